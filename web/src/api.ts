// The contract between the wasm handle (`wasm/`, crate raftlab-wasm) and the page.
// wasm-bindgen generates `Cluster` with `any` for the plain objects below; these types are
// what those objects really are. Keep this file and session/src/view.rs in step.
//
// Node ids in JavaScript are 1..n (shown as S1..Sn); the Rust core keeps 0-based indices.

export type Role = "follower" | "candidate" | "leader";
/** The role the page shows (decided in Rust, session/src/shown_role.rs): "leader" only for a
 * live leader of the highest term any live node knows that reaches a majority; a leader that
 * is not is a "stale-leader"; a crashed node is "crashed". */
export type ShownRole = "leader" | "stale-leader" | "candidate" | "follower" | "crashed";

export interface ClusterOptions {
  /** 3..=9, default 5. */
  nodes?: number;
  /** u64 as a safe-integer number, a bigint or a decimal string; missing: chosen at random. */
  seed?: number | bigint | string;
  /** Lower bound of the randomized election timeout; the upper bound is twice this. Default 300. */
  electionTimeoutMs?: number;
  /** Leader heartbeat interval. Default 100 (at most 10 heartbeats per second). */
  heartbeatMs?: number;
  /** Each node snapshots its state machine every this many applied entries; 0 = never. Default 10. */
  snapshotEvery?: number;
}

export interface NetworkOptions {
  /** Probability 0..=1 that a message (request or reply) is dropped. */
  dropRate?: number;
  /** One-way delay of each message, uniform in [delayMsMin, delayMsMax]. */
  delayMsMin?: number;
  delayMsMax?: number;
  /** 6.5840's long reordering: 2/3 of replies are delayed a further 200..2199 ms. */
  longReordering?: boolean;
}

export interface LogEntryView {
  index: number;
  term: number;
  /** The command as text when printable, else its bytes in hex. */
  command: string;
  /** True when `command` is hex. */
  commandHex: boolean;
}
/** One row's window of log entries (`Cluster.logWindow()`): node `node`'s entries with
 * indices from..=to that its log holds, in order. */
export interface LogWindowView {
  node: number;
  from: number;
  to: number;
  entries: LogEntryView[];
}

export interface ElectionTimerView {
  elapsedMs: number;
  timeoutMs: number;
  /** elapsedMs / timeoutMs, 0..=1. */
  progress: number;
}

export interface NodeView {
  id: number;
  /** For a crashed node: the role it had when it crashed. */
  role: Role;
  /** What the page shows: a crown only for "leader". */
  shownRole: ShownRole;
  term: number;
  /** Node id (1..n) or null. */
  votedFor: number | null;
  alive: boolean;
  connected: boolean;
  commitIndex: number;
  lastApplied: number;
  /** lastIncludedIndex / lastIncludedTerm of the node's snapshot (0 when none). */
  snapshotIndex: number;
  snapshotTerm: number;
  /** The last log index and its term (the snapshot's when no entry follows it). The
   * entries themselves: `Cluster.logWindow()`. */
  lastLogIndex: number;
  lastLogTerm: number;
  /** The first index where this log parts from the leader's (another term there, or entries
   * past the leader's end); null for the leader, with no leader, or when it matches. */
  divergesAt: number | null;
  /** null for a leader (it has no election timer) and for a crashed node. */
  electionTimer: ElectionTimerView | null;
  /** Leaders only: indexed by peer id - 1 (the leader's own slot included). */
  nextIndex: number[] | null;
  matchIndex: number[] | null;
  /** Candidates only: ids of the nodes that granted their vote this term. */
  votesGranted: number[] | null;
  /** Number of commands this node's state machine has applied, and a digest of them. */
  appliedCount: number;
  stateDigest: string;
}

export type MessageKind =
  | "RequestVote"
  | "RequestVoteReply"
  | "AppendEntries"
  | "AppendEntriesReply"
  | "InstallSnapshot"
  | "InstallSnapshotReply";

export interface MessageView {
  id: number;
  from: number;
  to: number;
  kind: MessageKind;
  /** AppendEntries with no entries. */
  heartbeat: boolean;
  term: number;
  sentMs: number;
  deliverMs: number;
  /** The fields Figure 2 names, present according to kind: candidateId, lastLogIndex,
   * lastLogTerm, voteGranted, leaderId, prevLogIndex, prevLogTerm, entries (count),
   * leaderCommit, success, conflictIndex, conflictTerm, lastIncludedIndex, lastIncludedTerm. */
  fields: Record<string, number | boolean | null>;
}

export interface ClusterState {
  nowMs: number;
  seed: string;
  nodes: NodeView[];
  /** Messages in flight, in send order. */
  messages: MessageView[];
  /** Current partition groups of node ids, or null when the network is whole
   * (crashed or individually disconnected nodes aside). */
  partition: number[][] | null;
  network: Required<NetworkOptions>;
  /** The first Raft safety property (election safety, leader append-only, log matching,
   * leader completeness, state machine safety) the checker saw broken, or null. The checker
   * runs after every simulated event. */
  violation: string | null;
  /** The node shown as leader (its shownRole is "leader"; the highest id when two are), or null. */
  leader: number | null;
  /** The highest term any live node knows. */
  newestTerm: number;
}

/** "truncate": a follower deleted uncommitted entries that conflicted with the leader's log
 * (Figure 2, AppendEntries step 3); `index` is the first one deleted. "rule": a rule of Raft
 * was broken or restored on every node. "timers": the election timers were aligned or spread
 * (`alignTimers`, `spreadTimers`). "voteRefused" and "appendEntriesRefused" say why in
 * their text. */
export type EventKind =
  | "electionStarted"
  | "voteGranted"
  | "voteRefused"
  | "becameLeader"
  | "steppedDown"
  | "commit"
  | "snapshot"
  | "installSnapshot"
  | "truncate"
  | "crash"
  | "restart"
  | "disconnect"
  | "connect"
  | "partition"
  | "heal"
  | "messageDropped"
  | "request"
  | "rule"
  | "timers"
  | "appendEntriesRefused";

export interface ClusterEvent {
  timeMs: number;
  kind: EventKind;
  /** Node id 1..n the event is about, when there is one. */
  node: number | null;
  term: number | null;
  index: number | null;
  /** messageDropped: the id of the dropped message (as in MessageView). */
  message: number | null;
  /** messageDropped: the receiver's node id (`node` is the sender). */
  peer: number | null;
  /** One sentence for the event log, using the paper's names. */
  text: string;
}

export interface RequestResult {
  index: number;
  term: number;
  /** Node id of the leader that accepted the command. */
  leader: number;
}

/** A mark on the timeline: a node became leader, a crash, a partition or heal, or an action
 * from outside (an input of the run). */
export interface TimelineMarker {
  timeMs: number;
  kind: "election" | "crash" | "partition" | "action";
  node: number | null;
  label: string;
}

/** The last fork: acting at `atMs` (in the past) dropped the run from there to `droppedToMs`. */
export interface ForkView {
  atMs: number;
  droppedToMs: number;
  inputsDropped: number;
}

/** The run as a timeline (see `Cluster.timeline()`). */
export interface TimelineView {
  startMs: number;
  endMs: number;
  /** The moment shown (= state().nowMs). */
  nowMs: number;
  /** `markers` are the run's markers from this one on (0 for `timeline()`). */
  markersFrom: number;
  markers: TimelineMarker[];
  /** Markers left out once the timeline held its maximum (2000). */
  markersOmitted: number;
  /** Inputs recorded in the run. */
  inputs: number;
  forks: number;
  lastFork: ForkView | null;
  /** Checkpoints held (at most 64 + the start) and their spacing in virtual ms. */
  checkpoints: number;
  checkpointSpacingMs: number;
}

/** What the page stores for a cluster (`saveStored()`): one text, the image and (when the
 * cluster has a fresh start to replay) the run with the moment shown, and the scenario shown
 * (its id) or the run file's title and captions. */
export interface StoredCluster {
  text: string;
  /** A sentence: what was left out of `text` (the run, or its title and captions) because it
   * was too long to store, or null. */
  note: string | null;
}

/** A run file's caption (`captions()`): the tester's step ("crash1(S3)") at its virtual ms. */
export interface RunCaption {
  atMs: number;
  text: string;
}

// ---- teaching (issue 9): scenarios, monitors, rules, requests, state machines, causes ----

/** A built-in scenario in the "Scenario" list (`Cluster.scenarios()`). */
export interface ScenarioListItem {
  /** Stable id: `?scenario=<id>` opens it. */
  id: string;
  title: string;
  /** One sentence: what the student sees. */
  teaches: string;
}

export interface ScenarioStepView {
  caption: string;
  startMs: number;
  endMs: number;
}

/** The scenario shown (`scenario()`), null in free play (after Take over). */
export interface ScenarioView {
  id: string;
  title: string;
  teaches: string;
  steps: ScenarioStepView[];
  /** The step shown, 1-based: the last one that began at or before the moment shown. */
  current: number;
  /** At or past the last step's end. */
  finished: boolean;
  /** The rules broken or kept inside the scenario ("§5.4.2 broken at step 9"; its remaining
   * steps were played again with them), or null. */
  changed: string | null;
}

export type PropertyId = "election-safety" | "leader-append-only" | "log-matching" | "leader-completeness" | "state-machine-safety";

export interface MonitorViolation {
  /** What broke, in the paper's words. */
  detail: string;
  /** Node ids 1..n involved, the one that broke it first. */
  nodes: number[];
  /** Log indices involved. */
  indices: number[];
  /** Virtual ms of the event after which the checker saw it. */
  atMs: number;
  /** Violations of this property the checker kept. */
  count: number;
}

/** One of Raft's five safety properties at the moment shown (`monitors()`). */
export interface MonitorView {
  property: PropertyId;
  /** The paper's name ("State Machine Safety"). */
  name: string;
  /** What it guarantees, in Figure 3's words. */
  guarantee: string;
  status: "ok" | "violated";
  /** The first violation up to the moment shown, or null while it holds. */
  violation: MonitorViolation | null;
}

/** A rule a student can break (`rules()`); the switch is "Break: " + label. */
export interface RuleView {
  id: string;
  label: string;
  /** One line: what breaking it shows. */
  teaches: string;
  /** Broken at the moment shown. */
  broken: boolean;
}

/** A request accepted from this page, tracked until committed or lost. */
export interface TrackedRequestView {
  /** The leader that took it. */
  leader: number;
  command: string;
  index: number;
  term: number;
  atMs: number;
  status: "pending" | "committed" | "lost";
  /** One sentence: the status and why; only the newest REQUESTS_SHOWN_MAX (8) carry theirs
   * (null: `requestText(index, term)` says it). */
  text: string | null;
}

export interface RequestsView {
  /** Oldest first: the requests made up to the moment shown. */
  requests: TrackedRequestView[];
  /** Requests no longer tracked because `max` were held. */
  omitted: number;
  max: number;
}

export interface AppliedCommandView {
  index: number;
  term: number;
  command: string;
}

/** An InstallSnapshot on its way to a node. */
export interface InstallingView {
  /** The leader that sent it. */
  from: number;
  lastIncludedIndex: number;
  lastIncludedTerm: number;
  deliverMs: number;
}

/** A node's state machine beside its log (`stateMachines()`). */
export interface StateMachineView {
  node: number;
  alive: boolean;
  lastApplied: number;
  appliedCount: number;
  /** lastIncludedIndex / lastIncludedTerm of its snapshot (0 when none). */
  snapshotIndex: number;
  snapshotTerm: number;
  /** The last applied commands still in its log (at most 4), oldest first. */
  recent: AppliedCommandView[];
  installing: InstallingView | null;
  /** Its key/value store when the run has key/value clients (shown instead of `recent`). */
  kv: KvStoreView | null;
}

// ---- key/value clients (Lab 4, issue 15) ----------------------------------------------------

export type KvOpKind = "get" | "put" | "append";

/** A key/value operation: a Get has no value. */
export interface KvOpView {
  kind: KvOpKind;
  key: string;
  value: string | null;
}

/** A key/value client (a Clerk) at the moment shown (`kvClients()`). Client ids are 1..n. */
export interface KvClientView {
  client: number;
  /** Its operation outstanding, or null when idle. */
  pending: KvOpView | null;
  pendingOpId: number | null;
  /** Attempts for the operation outstanding (the last one's once done). */
  attempts: number;
  /** The server it tries next (its guess of the leader). */
  leaderGuess: number;
  /** The servers its ends reach. */
  connected: number[];
  opsDone: number;
  /** Its automatic load, operations per virtual second (0: none). */
  loadPerSecond: number;
}

export interface KvClientsView {
  clients: KvClientView[];
  /** The most clients a run may have. */
  max: number;
  /** Operations in the history so far. */
  operations: number;
  /** The simulator's limits the form needs. */
  keyBytesMax: number;
  valueBytesMax: number;
  loadPerSecondMax: number;
}

/** One key of a node's store; `value` is its end (at most 40 characters, "…" before). */
export interface KvPairView {
  key: string;
  value: string;
  /** The whole value's length in bytes. */
  bytes: number;
}

/** A node's key/value store: its first keys (at most 8) in key order. */
export interface KvStoreView {
  keys: KvPairView[];
  keysTotal: number;
  bytes: number;
}

/** An operation of the history as its lane draws it (a bar from call to return). */
export interface KvHistoryOpView {
  opId: number;
  client: number;
  callMs: number;
  /** null while it has not returned at the moment shown. */
  returnMs: number | null;
  op: KvOpView;
  /** A Get's value (its end); null otherwise and while open. */
  output: string | null;
}

/** The history's operations overlapping a window of virtual time (`kvHistory(from, to)`). */
export interface KvHistoryView {
  fromMs: number;
  toMs: number;
  nowMs: number;
  ops: KvHistoryOpView[];
  /** Operations in the window left out (at most 256 are given). */
  omitted: number;
  total: number;
  /** Lanes: the clients so far. */
  clients: number;
}

/** The linearizability search, in the run-file module (`checkKvHistory`): the packed history
 * in, the outcome as text out. */
export type KvCheck = (history: Uint8Array) => string;

/** The linearizability checker's verdict on the history so far (`kvVerdict(check)`):
 * "checking" while a search is due and no checker was given (its module not loaded yet). */
export interface KvVerdictView {
  verdict: "none" | "linearizable" | "not-linearizable" | "unknown" | "checking";
  text: string;
  /** The verdict is about the history's first `checkedOps` operations (it is checked again
   * once the history grew by an eighth, or stopped growing). */
  checkedOps: number;
  totalOps: number;
  openOps: number;
  steps: number;
  /** Not linearizable: the operations that cannot be placed (opIds, at most 16). */
  involved: number[];
  /** Not linearizable: the earliest call among them, where to jump. */
  firstMs: number | null;
}

/** A node's latest event that says why it is as it is (`causes()`). */
export interface NodeCauseView {
  node: number;
  timeMs: number;
  text: string;
}

/** The methods of the wasm `Cluster` handle (see wasm/src/lib.rs). All throw an Error whose
 * message says what was wrong for bad arguments; none traps. */
export interface ClusterApi {
  readonly seed: string;
  readonly nowMs: number;
  readonly nodeCount: number;
  /** Bumps whenever any node's persister is written: the page saves to localStorage then. */
  readonly persistVersion: number;
  advance(ms: number): void;
  state(): ClusterState;
  /** The log entries drawn: per [node id, from, to] that node's entries from..=to (at most
   * 512 per range) at the moment shown. */
  logWindow(ranges: [number, number, number][]): LogWindowView[];
  events(): ClusterEvent[];
  crash(id: number): void;
  restart(id: number): void;
  disconnect(id: number): void;
  connect(id: number): void;
  partition(groups: number[][]): void;
  heal(): void;
  /** RaftScope's key A: every live node that is not leader times out at the same moment, so
   * the vote splits (an input). Throws when no live node has an election timer. */
  alignTimers(): void;
  /** RaftScope's key T: the election timers are spread apart, so one round elects a leader
   * (an input). Throws when no live node has an election timer. */
  spreadTimers(): void;
  timeout(id: number): void;
  dropMessage(id: number): void;
  setNetwork(options: NetworkOptions): void;
  request(command: string): RequestResult;
  /** Every node restarts from its persisted state alone, crashed or not (an input too). */
  restartAllFromDisk(): void;
  /** The versioned, checksummed image of every node's persister (and the options), as text. */
  saveImage(): string;
  /** What localStorage keeps: the image, and the run with the moment shown when it has a
   * fresh start to replay (Cluster.restore brings both back and checks them). */
  saveStored(): StoredCluster;
  /** After Cluster.restore: true when the stored run came back (timeline included). */
  readonly restoredRun: boolean;
  /** After Cluster.restore: why the stored run could not be used (the nodes restarted from
   * their persisted state instead), or undefined. */
  readonly restoreProblem: string | undefined;
  // ---- time travel: every action above is an input of the run; nowMs is the moment shown.
  /** The first and the furthest virtual ms of the run. */
  readonly startMs: number;
  readonly endMs: number;
  /** Bumps whenever the moment shown jumps (seek, step back). */
  readonly jumps: number;
  /** Bumps whenever the timeline's markers or forks change. */
  readonly timelineVersion: number;
  /** How many times acting in the past forked the run (the future after it was dropped). */
  readonly forks: number;
  /** Show the end of virtual millisecond `ms` (clamped to startMs..endMs). */
  seek(ms: number): void;
  /** One event back (false at the start) / forward (false when none comes). */
  stepBack(): boolean;
  stepForward(): boolean;
  /** The last events (at most 150) up to the moment shown, oldest first. */
  recentEvents(): ClusterEvent[];
  timeline(): TimelineView;
  /** As timeline(), with only the markers from the `from`-th on (those not drawn yet). */
  timelineFrom(from: number): TimelineView;
  /** The run and the moment shown as link text (versioned, compact, URL-safe); throws for a
   * cluster restored from storage (a link replays from a fresh start). */
  link(): string;
  /** The run as a run file (options, seed, each input with its time, title, captions) in
   * the packed form the run-file module writes as readable JSON (wasm.ts `runFileText`). */
  packedRunFile(): string;
  /** The run file's title and captions (the tester's steps), when it came from one. */
  readonly title: string | undefined;
  captions(): RunCaption[];
  // ---- teaching (issue 9)
  /** The scenario shown and its step, or null in free play. */
  scenario(): ScenarioView | null;
  /** Seek to the next / previous step's start, or to step `step` (1-based); return the step
   * shown. Next at the last step goes to the scenario's end. */
  nextStep(): number;
  previousStep(): number;
  goToStep(step: number): number;
  /** Free play from the moment shown: the scenario's recorded future is dropped (a fork). */
  takeOver(): string;
  /** Undo the last fork (an action in the past, Take over, a rule changed in a scenario):
   * the dropped future is back. Returns the sentence; throws when there is nothing to undo. */
  undoFork(): string;
  /** True when the last input forked the run and `undoFork()` can bring its future back. */
  readonly canUndoFork: boolean;
  /** Raft's five safety properties at the moment shown. */
  monitors(): MonitorView[];
  /** The rules a student can break, each broken or not at the moment shown. */
  rules(): RuleView[];
  /** Break or keep again rule `id` on every node from the moment shown (an input). Inside a
   * scenario its remaining steps are played again with it: returns the sentence saying so. */
  breakRule(id: string, broken: boolean): string | undefined;
  /** Send `command` to node `id`: a follower throws "not leader: ..."; a leader (a stale
   * one too) appends it. */
  requestTo(id: number, command: string): RequestResult;
  /** The requests accepted from this page up to the moment shown, pending, committed or lost. */
  requests(): RequestsView;
  /** The sentence of the tracked request at `index` in `term`, or undefined. */
  requestText(index: number, term: number): string | undefined;
  stateMachines(): StateMachineView[];
  /** Per node (index id - 1): its latest event that says why, or null. */
  causes(): (NodeCauseView | null)[];
  // ---- key/value clients (Lab 4): each call is an input of the run; client ids are 1..32.
  /** Client `client` starts a Get (no value), Put or Append now; throws while it has an
   * operation outstanding, or for a key over 64 bytes or a value over 4096. */
  kvOp(client: number, op: KvOpKind, key: string, value?: string): void;
  /** Client `client` starts an operation `perSecond` times a virtual second while idle
   * (0: stop; at most 100). */
  kvLoad(client: number, perSecond: number): void;
  /** Client `client`'s ends reach exactly the servers `ids` from now on. */
  kvConnect(client: number, ids: number[]): void;
  kvClients(): KvClientsView;
  /** The history's operations overlapping fromMs..=toMs (whole ms) at the moment shown. */
  kvHistory(fromMs: number, toMs: number): KvHistoryView;
  /** Changes whenever the history at the moment shown changes. */
  readonly kvHistoryVersion: number;
  /** The checker's verdict on the history so far (recomputed only when it changed). */
  kvVerdict(check?: KvCheck): KvVerdictView;
  free(): void;
}
// Static: `Cluster.restore(text: string): Cluster` rebuilds a cluster from saveStored()'s
// text (or saveImage()'s): the stored run replayed to the stored moment and checked against
// every node's stored persister, or, without a usable run, every node restarting from its
// persisted state; throws on a corrupt, truncated, foreign or other-version image, saying which. `Cluster.fromLink(text: string): Cluster` plays
// a link()'s run from a fresh start and shows its moment; throws, saying why, on a bad link.
// `Cluster.fromPackedRunFile(text: string): Cluster` plays a packed run file (packedRunFile(),
// or what the run-file module makes of a JSON run file, e.g. a Lab 3 test exported by
// lab3-run) from a fresh start to its end, shown paused at its start.
// `Cluster.scenarios(): ScenarioListItem[]` lists the built-in scenarios;
// `Cluster.fromScenario(id: string): Cluster` plays one and shows it paused at its first step.

// ---- <raft-cluster> ------------------------------------------------------------------------

/** The DOM events of a <raft-cluster> element (dispatched on the element; they bubble).
 * Node ids are 1..n; times are the cluster's virtual milliseconds. */
export interface RaftClusterEventMap {
  /** A node became leader (Figure 2: it won a majority of votes in `term`). */
  "leader-elected": CustomEvent<{ node: number; term: number; timeMs: number }>;
  /** A leader advanced commitIndex to `index`. */
  committed: CustomEvent<{ node: number | null; index: number; term: number | null; timeMs: number }>;
  crashed: CustomEvent<{ node: number; timeMs: number }>;
  restarted: CustomEvent<{ node: number; timeMs: number }>;
  partitioned: CustomEvent<{ text: string; timeMs: number }>;
  healed: CustomEvent<{ timeMs: number }>;
  /** The safety checker saw a Raft safety property broken; the element pauses. */
  violation: CustomEvent<{ message: string; timeMs: number }>;
  /** Every event of the cluster, as the event log shows it. */
  "raft-event": CustomEvent<ClusterEvent>;
  /** A cluster is shown and its handle is ready (`element.cluster`): at start (new or
   * restored, once the rest of the wasm module is in), after Reset, or when one is assigned. */
  "cluster-ready": CustomEvent<{ nodes: number; seed: string; restored: boolean }>;
}

/** The <raft-cluster> element as a course page sees it. Attributes: nodes, seed, speed,
 * autoplay, controls ("full" | "compact" | "none"), storage-key, persist ("none"), height,
 * url-params (opt in to reading and writing ?nodes=&seed= in the page's address). */
export interface RaftClusterElementApi extends HTMLElement {
  /** The Cluster handle shown and driven by this element (null until the whole wasm module,
   * both its parts, has loaded: a moment after the first frame; listen for "cluster-ready").
   * Assigning one shows it instead. */
  cluster: ClusterApi | null;
  /** True while virtual time runs. */
  readonly playing: boolean;
  play(): void;
  pause(): void;
  addEventListener<K extends keyof RaftClusterEventMap>(
    type: K,
    listener: (this: RaftClusterElementApi, ev: RaftClusterEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}
