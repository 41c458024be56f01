package io.doppel.block.nbd;

import io.doppel.block.volume.VolumeLookup;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What every connection of one server shares: the exports, the request cap, the metrics, the
 * bounded disk-I/O worker pool and the clock used for latency.
 */
record TransmissionContext(
    VolumeLookup volumes,
    int maxRequestBytes,
    NbdStats stats,
    Executor workers,
    LongSupplier nanoClock) {}
