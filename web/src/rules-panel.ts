// Rules a student can break: one checkbox per rule (`Cluster.rules()`), named "Break: " and
// the rule in the paper's words, in a popover; checking one breaks the rule on every node from
// the moment shown (`breakRule`, an input of the run: links and run files carry it, and in
// the past it forks). While any rule is broken a banner says which, at all times. The boxes
// show the rules at the moment shown (a seek before the switch shows the rule kept).
import type { ClusterApi, RuleView } from "./api";
import { h, setText, uid } from "./dom";

export interface RulesHost {
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  /** The fork `c` just made was said already (a rule changed inside a scenario). */
  forkSaid(c: ClusterApi): void;
}

export class RulesPanel {
  /** The "Break a rule" button and its popover. */
  readonly el: HTMLElement;
  /** "Broken: ..." (hidden while every rule is kept). */
  readonly banner: HTMLElement;
  private readonly btn: HTMLButtonElement;
  private readonly pop: HTMLElement;
  private readonly boxes = new Map<string, HTMLInputElement>();
  private shownKey = "";

  constructor(private readonly host: RulesHost) {
    const id = uid("rules");
    this.btn = h("button", { type: "button", class: "disclose", "aria-expanded": "false", "aria-controls": id }, "Break a rule", h("span", { class: "caret", "aria-hidden": "true" }, " ▾"));
    this.pop = h("div", { class: "pop rules-pop", id, role: "group", "aria-label": "Rules of Raft you can break", hidden: true });
    this.btn.addEventListener("click", () => this.toggle());
    this.el = h("div", { class: "disclosure rules" }, this.btn, this.pop);
    this.banner = h("p", { class: "rules-banner", hidden: true });
  }

  toggle(open = this.pop.hidden): void {
    this.pop.hidden = !open;
    this.btn.setAttribute("aria-expanded", String(open));
  }

  /** Builds the checkboxes, from the Cluster's list (again when it changes: the key/value
   * service's rule is listed once the run has clients). */
  private build(rules: RuleView[]): void {
    if (this.boxes.size === rules.length && rules.every((r) => this.boxes.has(r.id))) return;
    this.boxes.clear();
    this.pop.replaceChildren();
    this.shownKey = "";
    for (const r of rules) {
      const box = h("input", { type: "checkbox", "data-rule": r.id });
      box.addEventListener("change", () => {
        const broken = box.checked;
        this.host.act(`Break: ${r.label}`, (c) => {
          // Inside a scenario its remaining steps played again with the rule: that is said.
          const said = c.breakRule(r.id, broken);
          if (said) {
            this.host.forkSaid(c);
            return said;
          }
          return broken ? `Broke the rule “${r.label}” on every node from ${(c.nowMs / 1000).toFixed(3)} s: ${r.teaches}. The safety monitors show what it protected.` : `Kept the rule “${r.label}” again from ${(c.nowMs / 1000).toFixed(3)} s.`;
        });
      });
      this.boxes.set(r.id, box);
      this.pop.append(h("label", { class: "field inline rule", title: r.teaches }, box, ` Break: ${r.label}`));
    }
  }

  reset(): void {
    this.shownKey = "";
  }

  /** Once per frame: the boxes and the banner follow the rules at the moment shown. */
  sync(c: ClusterApi): void {
    const rules = c.rules();
    this.build(rules);
    const key = rules.map((r) => (r.broken ? "1" : "0")).join("");
    if (key === this.shownKey) return;
    this.shownKey = key;
    const broken = rules.filter((r) => r.broken);
    for (const r of rules) {
      const box = this.boxes.get(r.id);
      if (box && box.checked !== r.broken) box.checked = r.broken;
    }
    this.banner.hidden = broken.length === 0;
    setText(this.banner, broken.length === 0 ? "" : `⚠ Rule${broken.length === 1 ? "" : "s"} broken on every node: ${broken.map((r) => r.label).join("; ")}. This cluster misbehaves as code with that bug would.`);
  }
}
