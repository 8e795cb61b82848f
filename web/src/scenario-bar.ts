// Scenarios: the "Scenario" list of the built-in scenarios (Cluster.scenarios()), each the
// paper's situation as a narrated run. Choosing one plays it (in Rust, only then) and shows
// it paused at its first step; "Previous step" / "Next step" and the "Step" list seek to a
// step's start (the timeline works as before), the step's caption and what the scenario
// teaches are shown, and "Take over" switches to free play at the moment shown (the recorded
// future is dropped, as acting in the past forks). `?scenario=<id>` opens one at boot.
import type { ClusterApi, ScenarioListItem, ScenarioView } from "./api";
import { fmtTime, h, setAttr, setHidden, setText } from "./dom";

export interface ScenarioHost {
  /** Opens the built-in scenario `id`; false (and the reason shown) when it cannot. */
  openScenario(id: string): boolean;
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  pause(): void;
  /** The fork `c` just made was said already (Take over's own sentence). */
  forkSaid(c: ClusterApi): void;
}

export class ScenarioBar {
  /** The "Scenario" list (in the teaching row). */
  readonly pick: HTMLSelectElement;
  /** Step navigation, the caption and what it teaches (hidden in free play). */
  readonly nav: HTMLElement;
  private readonly steps: HTMLSelectElement;
  private readonly caption: HTMLElement;
  private readonly teaches: HTMLElement;
  private readonly prev: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private listed = false;
  private of: ClusterApi | null = null;
  private view: ScenarioView | null = null;
  private shownAt = -1;
  private shownStep = -1;
  private forks = -1;
  private jumps = -1;
  /** "§5.4.2 broken at step 9": the rules changed inside the scenario. */
  private readonly changed: HTMLElement;

  constructor(private readonly host: ScenarioHost) {
    this.pick = h("select", { "aria-label": "Scenario", class: "scenario-pick", title: "Watch one of the paper's situations step by step" }, h("option", { value: "" }, "Scenario…"));
    this.pick.addEventListener("change", () => {
      const id = this.pick.value;
      if (id) this.host.openScenario(id);
    });
    const step = (what: string, fn: (c: ClusterApi) => number) => {
      this.host.pause();
      this.host.act(what, (c) => {
        const k = fn(c);
        return `Step ${k}, at ${fmtTime(c.nowMs)}.`;
      });
    };
    this.prev = h("button", { type: "button", title: "Seek to the previous step's start" }, "Previous step");
    this.prev.addEventListener("click", () => step("Previous step", (c) => c.previousStep()));
    this.next = h("button", { type: "button", title: "Seek to the next step's start (at the last step: the scenario's end)" }, "Next step");
    this.next.addEventListener("click", () => step("Next step", (c) => c.nextStep()));
    this.steps = h("select", { "aria-label": "Step", class: "scenario-steps" });
    this.steps.addEventListener("change", () => {
      const k = Number(this.steps.value);
      if (k > 0) step("Step", (c) => c.goToStep(k));
    });
    const takeOver = h("button", { type: "button", title: "Free play from the moment shown: the scenario's recorded future is dropped" }, "Take over");
    takeOver.addEventListener("click", () =>
      this.host.act("Take over", (c) => {
        const said = c.takeOver();
        this.host.forkSaid(c);
        return said;
      }),
    );
    this.caption = h("output", { class: "scenario-caption", "aria-live": "polite" });
    this.teaches = h("p", { class: "scenario-teaches" });
    this.changed = h("p", { class: "scenario-changed", hidden: true });
    this.nav = h(
      "div",
      { class: "scenario-nav", role: "group", "aria-label": "Scenario steps", hidden: true },
      h("div", { class: "scenario-buttons" }, this.prev, this.next, this.steps, takeOver),
      h("div", { class: "scenario-text" }, this.changed, this.caption, this.teaches),
    );
  }

  /** Fills the list once the wasm module is loaded. */
  list(items: ScenarioListItem[]): void {
    if (this.listed) return;
    this.listed = true;
    for (const s of items) this.pick.append(h("option", { value: s.id, title: s.teaches }, s.title));
  }

  /** A new cluster: its scenario (if any) is read afresh. */
  reset(): void {
    this.of = null;
    this.view = null;
    this.shownAt = -1;
    this.shownStep = -1;
    this.forks = -1;
    this.jumps = -1;
  }

  /** Once per frame: the step at the moment shown (read when the moment or the cluster
   * changed). */
  sync(c: ClusterApi, nowMs: number): void {
    if (c === this.of && nowMs === this.shownAt && c.forks === this.forks && c.jumps === this.jumps) return;
    this.of = c;
    this.shownAt = nowMs;
    this.forks = c.forks;
    this.jumps = c.jumps;
    const v = c.scenario();
    const was = this.view;
    this.view = v;
    setHidden(this.nav, v === null);
    if (v === null) {
      if (this.pick.value !== "") this.pick.value = "";
      return;
    }
    if (this.pick.value !== v.id) this.pick.value = v.id;
    const changed = v.changed === null ? "" : `${v.title.split(":")[0]}, ${v.changed}: the remaining steps play with the rules so set.`;
    setHidden(this.changed, changed === "");
    setText(this.changed, changed);
    if (!was || was.id !== v.id || was.changed !== v.changed || this.steps.options.length !== v.steps.length) {
      this.steps.replaceChildren(...v.steps.map((s, i) => h("option", { value: String(i + 1) }, `${i + 1}. ${s.caption.length > 60 ? `${s.caption.slice(0, 59)}…` : s.caption}`)));
      setText(this.teaches, `What it teaches: ${v.teaches}`);
      setAttr(this.teaches, "title", v.teaches);
      this.shownStep = -1;
    }
    const key = v.current * 2 + (v.finished ? 1 : 0);
    if (key === this.shownStep) return;
    this.shownStep = key;
    if (this.steps.value !== String(v.current)) this.steps.value = String(v.current);
    const s = v.steps[v.current - 1]!;
    setText(this.caption, `Step ${v.current} of ${v.steps.length}${v.finished ? " (the end)" : ""}: ${s.caption}`);
    setAttr(this.nav, "data-step", v.current);
    setAttr(this.nav, "data-finished", String(v.finished));
    this.prev.disabled = v.current === 1 && nowMs <= v.steps[0]!.startMs;
    this.next.disabled = v.finished;
  }
}
