package io.doppel.cluster.lease;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.Epoch;
import io.doppel.cluster.EventSink;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.ResourceSpec;
import io.doppel.cluster.Role;
import io.doppel.cluster.RoleListener;
import io.doppel.cluster.StateMachine;
import io.doppel.cluster.Transport;
import io.doppel.cluster.TwoNodePolicy;
import io.doppel.cluster.membership.MembershipAgent;
import io.doppel.cluster.membership.PeerState;
import io.doppel.cluster.message.Message;
import io.doppel.cluster.message.Message.LeaseGrant;
import io.doppel.cluster.message.Message.LeaseRefuse;
import io.doppel.cluster.message.Message.LeaseRelease;
import io.doppel.cluster.message.Message.LeaseRequest;
import io.doppel.cluster.state.RoleBook;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * This node's role for one resource. As PRIMARY it renews its lease every heartbeat interval and
 * counts it valid until {@code send time + D - drift} of the last round a quorum granted; it stops
 * believing at that instant even if nobody answers. As FOLLOWER it stands for election (a new
 * epoch) only when no live holder is advertised and the priority rules say it is its turn; it
 * becomes PRIMARY only with a quorum of grants (voters refuse while an older promise runs), and,
 * under {@link TwoNodePolicy#PROMOTE_AFTER_FENCING}, only after the fencing hook succeeded.
 */
public final class LeaseKeeper {
  private static final int MAX_ROUNDS = 16;

  private final NodeId self;
  private final ResourceSpec spec;
  private final ResourceId resource;
  private final ClusterDefinition definition;
  private final KeeperContext ctx;
  private final StateMachine<Role> role;
  private final Map<Long, Round> rounds = new LinkedHashMap<>();
  private final Set<NodeId> fenced = new HashSet<>();
  private Epoch epoch;
  private Epoch highestSeen;
  private long validUntilNanos;
  private long nextRoundNanos;
  private long candidacyDeadlineNanos;
  private long backoffUntilNanos;
  private long lastHolderSeenNanos;
  private long lastBetterActiveNanos = Long.MIN_VALUE / 2;
  private long yieldingSinceNanos = Long.MIN_VALUE;
  private long requestSeq;
  private Optional<NodeId> lastHolder;
  private Optional<NodeId> handoverFrom = Optional.empty();
  private LeaseRelease handoverReceived; // the release that named this node, while standing on it
  private LeaseRelease releaseSent; // our own release, resent until the successor holds
  private long releaseResendNanos;
  private long releaseUntilNanos;
  private boolean sticky;
  private boolean failoverNotConfiguredSent;
  private Boolean quorumReachable;
  private CompletableFuture<Boolean> fencing;
  private NodeId fencingTarget;
  private Set<NodeId> promotedBy = Set.of();
  private Optional<NodeId> predecessorInDoubt = Optional.empty();

  /** The collaborators a keeper shares with the other keepers of its node. */
  public record KeeperContext(
      MembershipAgent membership,
      LeaseVoter voter,
      RoleBook book,
      Transport transport,
      EventSink events,
      io.doppel.cluster.ClusterStats stats,
      RandomGenerator random,
      Fencer fencer,
      PromotionGate gate,
      List<RoleListener> listeners) {}

  public LeaseKeeper(ResourceSpec spec, ClusterDefinition definition, KeeperContext ctx, long now) {
    this.self = ctx.membership().self();
    this.spec = spec;
    this.resource = spec.id();
    this.definition = definition;
    this.ctx = ctx;
    this.role =
        new StateMachine<>("role[" + self + "/" + resource + "]", Role.FOLLOWER, now, ctx.stats());
    // A restarted node never trusts a lease from memory: it starts as follower in the highest
    // epoch it saved and must win a new epoch to write again.
    this.highestSeen = ctx.book().get(resource).highestEpoch();
    this.epoch = highestSeen;
    this.lastHolder = ctx.book().get(resource).lastHolder();
    this.lastHolderSeenNanos = now;
    this.requestSeq = ctx.random().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL;
  }

  public ResourceId resource() {
    return resource;
  }

  public Role role() {
    return role.state();
  }

  /** True while this node may accept writes: PRIMARY and before the lease end. */
  public boolean isPrimary(long nowNanos) {
    return role.state() == Role.PRIMARY && nowNanos < validUntilNanos;
  }

  /** The lease epoch while primary, else the highest epoch seen (never decreases). */
  public Epoch epoch() {
    return role.state() == Role.PRIMARY ? epoch : highestSeen;
  }

  public Optional<Long> validUntilNanos() {
    return role.state() == Role.PRIMARY ? Optional.of(validUntilNanos) : Optional.empty();
  }

  /** Voters that granted the current epoch in the round that made this node primary. */
  public Set<NodeId> promotedBy() {
    return promotedBy;
  }

  public int doWork(long now) {
    int work = checkQuorum(now) + reportMachineFailed();
    clearWaitForRecovery();
    if (!fenced.isEmpty()) {
      fenced.removeIf(ctx.membership()::isAlive); // a fenced node that talks again is not off
    }
    return work
        + switch (role.state()) {
          case PRIMARY -> primaryWork(now);
          case CANDIDATE -> candidateWork(now);
          case FENCING -> fencingWork(now);
          case FOLLOWER -> resendRelease(now) + followerWork(now);
          case MAINTENANCE -> resendRelease(now);
        };
  }

  // ---------------------------------------------------------------- primary

  private int primaryWork(long now) {
    if (now >= validUntilNanos) {
      move(Role.FOLLOWER, now, "lease not renewed in time");
      ctx.events().emit(new ClusterEvent.LeaseLost(self, resource, epoch));
      backoffUntilNanos = now + jitter(definition.timings().heartbeatIntervalNanos());
      return 1;
    }
    Optional<NodeId> better = failbackTarget(now);
    if (better.isPresent()) {
      handover(better, Role.FOLLOWER, now, "failback to " + better.get());
      return 1;
    }
    if (now >= nextRoundNanos) {
      startRound(false, now);
      return 1;
    }
    return 0;
  }

  private Optional<NodeId> failbackTarget(long now) {
    if (!spec.failback() || sticky) {
      return Optional.empty();
    }
    long settle = 2 * definition.timings().suspectTimeoutNanos();
    for (NodeId n : spec.nodes()) {
      if (n.equals(self)) {
        break;
      }
      MembershipAgent m = ctx.membership();
      if (m.isAlive(n)
          && !m.inMaintenance(n)
          && ctx.gate().mayHold(resource, n)
          && now - m.stateSinceNanos(n) >= settle) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /**
   * Planned step-down (failback, manual failover, maintenance, shutdown): stop acting as primary
   * FIRST, then free the voters' promises and name the successor.
   */
  private void handover(Optional<NodeId> successor, Role next, long now, String reason) {
    Epoch held = epoch;
    move(next, now, reason);
    LeaseRelease release = new LeaseRelease(self, resource, held, successor);
    ctx.voter().onRelease(release, now);
    sendRelease(release);
    // Give the successor the first chance before this node would stand again.
    backoffUntilNanos = now + 2 * definition.timings().leaseDurationNanos();
    releaseSent = release;
    releaseUntilNanos = backoffUntilNanos;
    releaseResendNanos = now + definition.timings().heartbeatIntervalNanos();
  }

  private void sendRelease(LeaseRelease release) {
    for (NodeId v : definition.voters(resource)) {
      if (!v.equals(self)) {
        sendAllLinks(v, release);
      }
    }
  }

  /**
   * Datagrams get lost: repeat our release every heartbeat until a newer holder is advertised (or
   * the successor's chance is over). Repeats are harmless: a voter acts on a release only while its
   * recorded promise is still the released one.
   */
  private int resendRelease(long now) {
    if (releaseSent == null) {
      return 0;
    }
    var adv = ctx.membership().advertisedHolder(resource, now);
    if (now >= releaseUntilNanos
        || adv.map(h -> h.epoch().isAfter(releaseSent.epoch())).orElse(false)) {
      releaseSent = null;
      return 0;
    }
    if (now < releaseResendNanos) {
      return 0;
    }
    releaseResendNanos = now + definition.timings().heartbeatIntervalNanos();
    sendRelease(releaseSent);
    return 1;
  }

  /** Manual failover; true if this node held the role and released it. */
  public boolean requestFailover(Optional<NodeId> to, long now) {
    if (role.state() != Role.PRIMARY) {
      return false;
    }
    handover(to.or(() -> nextHealthy()), Role.FOLLOWER, now, "manual failover");
    return true;
  }

  /** Maintenance mode: hand the role over and refuse it until switched off. */
  public void maintenance(boolean on, long now) {
    Role r = role.state();
    if (on && r == Role.PRIMARY) {
      handover(nextHealthy(), Role.MAINTENANCE, now, "maintenance");
    } else if (on && r != Role.MAINTENANCE) {
      move(Role.MAINTENANCE, now, "maintenance");
    } else if (!on && r == Role.MAINTENANCE) {
      move(Role.FOLLOWER, now, "maintenance over");
    }
  }

  /** Graceful shutdown: release the role to the next healthy node. */
  public void shutdown(long now) {
    if (role.state() == Role.PRIMARY) {
      handover(nextHealthy(), Role.FOLLOWER, now, "shutdown");
    }
  }

  private Optional<NodeId> nextHealthy() {
    for (NodeId n : spec.nodes()) {
      if (!n.equals(self) && ctx.membership().isAlive(n) && !ctx.membership().inMaintenance(n)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- follower

  private int followerWork(long now) {
    if (now < backoffUntilNanos && handoverFrom.isEmpty()) {
      return 0;
    }
    var adv = ctx.membership().advertisedHolder(resource, now);
    if (adv.isPresent() && handoverFrom.isEmpty()) {
      learn(adv.get().epoch(), now);
      lastHolder = Optional.of(adv.get().holder());
      lastHolderSeenNanos = now;
      failoverNotConfiguredSent = false;
      return 0;
    }
    if (!ctx.gate().mayHold(resource, self)) {
      handoverFrom = Optional.empty();
      return 0;
    }
    if (handoverFrom.isEmpty() && !mayStand(now)) {
      return 0;
    }
    return startCandidacy(now);
  }

  /** The priority and two-node rules: may this node stand for election now? */
  private boolean mayStand(long now) {
    MembershipAgent m = ctx.membership();
    if (yieldsToBetterCandidate(now)) {
      return false;
    }
    if (definition.isTwoNodeWithoutWitness(resource)) {
      NodeId partner = partner();
      if (!m.isAlive(partner)) {
        return partnerLost(partner, m);
      }
    }
    boolean undecided = false;
    int aliveBefore = 0;
    for (NodeId n : spec.nodes()) {
      if (n.equals(self)) {
        break;
      }
      if (m.inMaintenance(n) || !ctx.gate().mayHold(resource, n)) {
        continue;
      }
      switch (m.peerState(n)) {
        case ALIVE -> aliveBefore++;
        case UNKNOWN, SUSPECTED, PRESENCE_CHECK -> undecided = true; // seed 003: wait
        case FAILED, SHUT_DOWN -> {}
      }
    }
    if (undecided) {
      return false;
    }
    // A better-ranked live node normally takes the role; if it cannot (say it hears nobody),
    // stand after a delay growing with rank.
    long patience =
        2 * definition.timings().leaseDurationNanos()
            + aliveBefore * definition.timings().suspectTimeoutNanos();
    long quietSince = Math.max(lastHolderSeenNanos, lastBetterActiveNanos);
    return aliveBefore == 0 || now - quietSince >= patience;
  }

  /**
   * A better-ranked node asked our voter for this lease within one lease duration: it is alive and
   * standing, so do not compete (two candidates refusing each other never finish). Yield for at
   * most four lease durations in a row, so that a better node that cannot win (it hears nobody)
   * does not block the role forever.
   */
  private boolean yieldsToBetterCandidate(long now) {
    long lease = definition.timings().leaseDurationNanos();
    if (now - lastBetterActiveNanos >= lease) {
      yieldingSinceNanos = Long.MIN_VALUE;
      return false;
    }
    if (yieldingSinceNanos == Long.MIN_VALUE) {
      yieldingSinceNanos = now;
    }
    if (now - yieldingSinceNanos < 4 * lease) {
      return true;
    }
    yieldingSinceNanos = Long.MIN_VALUE;
    return false;
  }

  /** Two nodes, no witness, partner unreachable: seed 004 says no, unless fencing is allowed. */
  private boolean partnerLost(NodeId partner, MembershipAgent m) {
    if (definition.twoNodePolicy() == TwoNodePolicy.PROMOTE_AFTER_FENCING) {
      return m.peerState(partner) == PeerState.FAILED;
    }
    if (m.isGone(partner) && !failoverNotConfiguredSent) {
      failoverNotConfiguredSent = true;
      ctx.events()
          .emit(new ClusterEvent.FailoverNotConfigured(self, resource, lastHolder.orElse(partner)));
    }
    return false;
  }

  // ---------------------------------------------------------------- candidate

  private int startCandidacy(long now) {
    Epoch next = Epoch.max(highestSeen, ctx.book().get(resource).highestEpoch()).next();
    if (!ctx.book().update(resource, s -> s.withHighest(next))) {
      backoffUntilNanos = now + definition.timings().suspectTimeoutNanos();
      return 0; // cannot make the new epoch durable: do not use it
    }
    highestSeen = next;
    epoch = next;
    rounds.clear();
    move(Role.CANDIDATE, now, "no live holder");
    candidacyDeadlineNanos = now + 3 * definition.timings().heartbeatIntervalNanos();
    if (handoverFrom.isPresent() && handoverReceived != null) {
      sendRelease(handoverReceived); // a voter may not have the holder's copy yet
    }
    startRound(true, now);
    return 1;
  }

  private int candidateWork(long now) {
    if (now >= candidacyDeadlineNanos) {
      failCandidacy(now, "no quorum in time");
      return 1;
    }
    if (now >= nextRoundNanos) {
      startRound(true, now);
      return 1;
    }
    return 0;
  }

  private void failCandidacy(long now, String reason) {
    handoverFrom = Optional.empty();
    handoverReceived = null;
    fencing = null;
    fenced.clear();
    move(Role.FOLLOWER, now, reason);
    long hb = definition.timings().heartbeatIntervalNanos();
    int rank = Math.max(0, spec.rank(self));
    backoffUntilNanos = now + hb + jitter(hb * (1 + rank));
  }

  private int fencingWork(long now) {
    if (fencing == null) { // fenced; waiting for our own fresh grant
      if (now >= candidacyDeadlineNanos) {
        failCandidacy(now, "no grant after fencing");
        return 1;
      }
      return now >= nextRoundNanos ? resend(now) : 0;
    }
    if (!fencing.isDone()) {
      return 0;
    }
    boolean ok = fencing.handle((v, e) -> e == null && Boolean.TRUE.equals(v)).join();
    fencing = null;
    if (!ok) {
      ctx.events().emit(new ClusterEvent.FencingFailed(self, resource, fencingTarget));
      move(Role.FOLLOWER, now, "fencing failed");
      backoffUntilNanos = now + definition.timings().suspectTimeoutNanos();
      return 1;
    }
    fenced.add(fencingTarget);
    candidacyDeadlineNanos = now + 3 * definition.timings().heartbeatIntervalNanos();
    startRound(true, now); // fresh grants after fencing: the lease starts now, not before
    return 1;
  }

  // ---------------------------------------------------------------- rounds

  private int resend(long now) {
    startRound(true, now);
    return 1;
  }

  private void startRound(boolean promotion, long now) {
    long id = ++requestSeq;
    rounds.put(id, new Round(now, promotion));
    if (rounds.size() > MAX_ROUNDS) {
      Iterator<Long> it = rounds.keySet().iterator();
      it.next();
      it.remove();
    }
    nextRoundNanos = now + definition.timings().heartbeatIntervalNanos();
    LeaseRequest req = new LeaseRequest(self, resource, epoch, id);
    for (NodeId v : definition.voters(resource)) {
      if (!v.equals(self)) {
        sendAllLinks(v, req);
      }
    }
    if (definition.voters(resource).contains(self)) {
      onReply(ctx.voter().decide(req, now), now); // our own vote, on our own clock
    }
  }

  private void sendAllLinks(NodeId to, Message m) {
    for (var link : ctx.membership().linksTo(to)) {
      ctx.transport().send(to, link, m);
    }
  }

  /** A voter's answer (remote, or our own voter's). */
  public void onReply(Message reply, long now) {
    switch (reply) {
      case LeaseGrant g -> onGrant(g, now);
      case LeaseRefuse r -> onRefuse(r, now);
      case Message.Heartbeat h -> {}
      case Message.PresenceProbe p -> {}
      case Message.PresenceReply p -> {}
      case Message.Shutdown s -> {}
      case LeaseRequest q -> {}
      case LeaseRelease r -> onRelease(r, now);
    }
  }

  private void onGrant(LeaseGrant g, long now) {
    Round round = rounds.get(g.requestId());
    Role r = role.state();
    if (round == null
        || !g.holder().equals(self)
        || !g.epoch().equals(epoch)
        || r == Role.FOLLOWER
        || r == Role.MAINTENANCE) {
      ctx.stats().stale();
      return;
    }
    round.grants.add(g.from());
    if (r == Role.PRIMARY) {
      if (round.grants.size() >= definition.renewQuorum(resource)) {
        validUntilNanos =
            Math.max(validUntilNanos, round.sentNanos + definition.timings().holderValidityNanos());
      }
      return;
    }
    if (!round.promotion) {
      return;
    }
    if (round.grants.size() + fenced.size() >= definition.promoteQuorum(resource)) {
      becomePrimary(round, now);
    } else if (r == Role.CANDIDATE && round.grants.contains(self) && needsFencing()) {
      fencingTarget = partner();
      move(Role.FENCING, now, "fencing " + fencingTarget);
      fencing = ctx.fencer().fence(fencingTarget);
    }
  }

  /** Fence only a partner that failed the presence check, and only under the fencing policy. */
  private boolean needsFencing() {
    return definition.isTwoNodeWithoutWitness(resource)
        && definition.twoNodePolicy() == TwoNodePolicy.PROMOTE_AFTER_FENCING
        && fenced.isEmpty()
        && ctx.membership().peerState(partner()) == PeerState.FAILED;
  }

  private NodeId partner() {
    return spec.nodes().get(spec.nodes().get(0).equals(self) ? 1 : 0);
  }

  private void becomePrimary(Round round, long now) {
    long until = round.sentNanos + definition.timings().holderValidityNanos();
    if (now >= until) {
      return; // the grants came too late to be worth anything; the next round will do
    }
    Optional<NodeId> previous = lastHolder;
    validUntilNanos = until;
    promotedBy = Set.copyOf(round.grants);
    sticky =
        handoverFrom
            .map(
                h ->
                    spec.rank(h) < spec.rank(self)
                        && ctx.membership().peerState(h) != PeerState.SHUT_DOWN)
            .orElse(false);
    handoverFrom = Optional.empty();
    handoverReceived = null;
    releaseSent = null;
    lastHolder = Optional.of(self);
    move(
        Role.PRIMARY,
        now,
        "quorum granted by " + promotedBy + (fenced.isEmpty() ? "" : " fenced " + fenced));
    fenced.clear(); // a fencing counts for the one promotion it was done for
    nextRoundNanos = now;
    // Seed 003 MACHINE_FAILED: reported once membership has declared the old holder failed
    // (promotion may come first: the lease can expire before the presence check ends).
    predecessorInDoubt = previous.filter(p -> !p.equals(self) && !ctx.membership().isAlive(p));
    ctx.book().update(resource, s -> s.withHolder(epoch, self));
    reportMachineFailed();
  }

  private int reportMachineFailed() {
    if (predecessorInDoubt.isEmpty()) {
      return 0;
    }
    NodeId p = predecessorInDoubt.get();
    PeerState st = ctx.membership().peerState(p);
    if (st == PeerState.FAILED) {
      predecessorInDoubt = Optional.empty();
      ctx.book().update(resource, s -> s.withWaitForRecovery(true));
      ctx.events().emit(new ClusterEvent.MachineFailed(self, p, List.of(resource)));
      return 1;
    }
    if (st == PeerState.ALIVE || st == PeerState.SHUT_DOWN) {
      predecessorInDoubt = Optional.empty();
    }
    return 0;
  }

  /** Seed 003: the wait-for-recovery flag clears once every partner is back. */
  private void clearWaitForRecovery() {
    if (ctx.book().get(resource).waitForRecovery()
        && spec.nodes().stream().allMatch(ctx.membership()::isAlive)) {
      ctx.book().update(resource, s -> s.withWaitForRecovery(false));
    }
  }

  private void onRefuse(LeaseRefuse r, long now) {
    learn(r.promised(), now);
    Round round = rounds.get(r.requestId());
    if (role.state() != Role.CANDIDATE || round == null || !r.epoch().equals(epoch)) {
      return;
    }
    if (releasePending(r)) {
      return; // the holder's release has not reached that voter yet; the next round asks again
    }
    round.refusals.add(r.from());
    int voters = definition.voters(resource).size();
    if (round.refusals.size() > voters - definition.promoteQuorum(resource) && !needsFencing()) {
      failCandidacy(now, "refused by " + round.refusals);
    }
  }

  /** A refusal only because the voter still holds the promise our predecessor released to us. */
  private boolean releasePending(LeaseRefuse r) {
    LeaseRelease rel = handoverReceived;
    return rel != null
        && r.promisedTo().map(rel.from()::equals).orElse(false)
        && r.promised().equals(rel.epoch());
  }

  /**
   * Our voter saw {@code from} ask for this resource's lease. A better-ranked node that is trying
   * keeps this node from standing (two candidates refusing each other would never finish).
   */
  public void onPeerRequest(NodeId from, long now) {
    int theirs = spec.rank(from);
    boolean namedByUs =
        releaseSent != null && releaseSent.successor().map(from::equals).orElse(false);
    if ((theirs >= 0 && theirs < spec.rank(self)) || namedByUs) {
      lastBetterActiveNanos = now; // a successor we named stands: do not compete with it
    }
  }

  /** A holder released the role; if it named this node, stand at once. */
  public void onRelease(LeaseRelease r, long now) {
    if (r.from().equals(self)) {
      return;
    }
    lastHolderSeenNanos = now;
    learn(r.epoch(), now);
    if (r.successor().map(self::equals).orElse(false) && role.state() == Role.FOLLOWER) {
      handoverFrom = Optional.of(r.from());
      handoverReceived = r;
    } else {
      backoffUntilNanos =
          Math.max(backoffUntilNanos, now + definition.timings().leaseDurationNanos());
    }
  }

  private void learn(Epoch e, long now) {
    if (e.isAfter(highestSeen) && ctx.book().update(resource, s -> s.withHighest(e))) {
      highestSeen = e;
    }
    Role r = role.state();
    if (e.isAfter(epoch) && (r == Role.CANDIDATE || r == Role.FENCING)) {
      // Someone stands in a newer epoch: winning this one would show an epoch going back.
      failCandidacy(now, "newer epoch " + e + " seen");
    }
  }

  // ---------------------------------------------------------------- helpers

  private int checkQuorum(long now) {
    int alive = fenced.size();
    for (NodeId v : definition.voters(resource)) {
      alive += ctx.membership().isAlive(v) ? 1 : 0;
    }
    boolean ok = alive >= definition.promoteQuorum(resource);
    if (quorumReachable != null && quorumReachable != ok) {
      ctx.events()
          .emit(
              ok
                  ? new ClusterEvent.QuorumRegained(self, resource)
                  : new ClusterEvent.QuorumLost(self, resource));
    }
    quorumReachable = ok;
    return 0;
  }

  private long jitter(long bound) {
    return bound <= 0 ? 0 : ctx.random().nextLong(bound);
  }

  private void move(Role next, long now, String reason) {
    Role from = role.state();
    if (role.moveTo(next, now, reason, epoch)) {
      ctx.events().emit(new ClusterEvent.RoleChanged(self, resource, from, next, epoch));
      for (RoleListener l : ctx.listeners()) {
        l.roleChanged(resource, from, next, epoch);
      }
    }
  }
}
