/**
 * Events for registered applications (seed 003: "MACHINE_FAILED", "FAILOVER_NOT_CONFIGURED" sent to
 * the applications that registered with the recovery agent; issue 4). {@link
 * io.doppel.cluster.events.EventBus} receives {@link io.doppel.cluster.ClusterEvent}s and events of
 * other modules ({@link io.doppel.cluster.events.DoppelEvent}) on the agent threads, stamps them
 * with time and sequence number and fans them out on its own dispatcher thread to {@link
 * io.doppel.cluster.events.EnvelopeSink}s: the local Unix socket, hook scripts, SNMP v2c traps and
 * the log.
 */
package io.doppel.cluster.events;
