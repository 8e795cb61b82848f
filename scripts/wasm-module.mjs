// Reading and patching a WebAssembly binary at the section level, for scripts/split-wasm.mjs:
// only what the split needs (the import, table, function, export and code sections; a name
// section written afresh). Everything else is copied byte for byte.
// https://webassembly.github.io/spec/core/binary/modules.html

const SECTION = { custom: 0, type: 1, import: 2, function: 3, table: 4, export: 7, code: 10 };
const KIND = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };
const EXTERNREF = 0x6f;

/** A cursor over `bytes` reading LEB128 numbers, names and limits. */
class Reader {
  constructor(bytes, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }
  byte() {
    if (this.at >= this.bytes.length) throw new Error("wasm: unexpected end of the module");
    return this.bytes[this.at++];
  }
  u32() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new Error("wasm: a LEB128 number longer than 5 bytes");
    }
  }
  name() {
    const n = this.u32();
    const s = Buffer.from(this.bytes.subarray(this.at, this.at + n)).toString("utf8");
    this.at += n;
    return s;
  }
  limits() {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Unsigned LEB128. */
export function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

const encName = (s) => [...leb(Buffer.byteLength(s)), ...Buffer.from(s, "utf8")];

/** The module's sections: { id, name (custom sections), start (of the id byte), body (start of
 * the payload), end }. */
export function sections(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) throw new Error("wasm: not a WebAssembly module");
  const out = [];
  const r = new Reader(bytes, 8);
  while (r.at < bytes.length) {
    const start = r.at;
    const id = r.byte();
    const size = r.u32();
    const body = r.at;
    const s = { id, start, body, end: body + size };
    if (id === SECTION.custom) s.name = new Reader(bytes, body).name();
    out.push(s);
    r.at = s.end;
  }
  return out;
}

function section(bytes, id) {
  return sections(bytes).find((s) => s.id === id) ?? null;
}

/** The imports, in order: { module, name, kind, type (a function's type index), start, end }. */
export function imports(bytes) {
  const s = section(bytes, SECTION.import);
  if (!s) return [];
  const r = new Reader(bytes, s.body);
  const n = r.u32();
  const out = [];
  for (let i = 0; i < n; i++) {
    const start = r.at;
    const module = r.name();
    const name = r.name();
    const kind = r.byte();
    const entry = { module, name, kind, start };
    if (kind === KIND.func) entry.type = r.u32();
    else if (kind === KIND.table) {
      entry.refType = r.byte();
      r.limits();
    } else if (kind === KIND.memory) r.limits();
    else if (kind === KIND.global) {
      r.byte();
      r.byte();
    } else if (kind === KIND.tag) {
      r.byte();
      r.u32();
    } else throw new Error(`wasm: an import of unknown kind ${kind}`);
    entry.end = r.at;
    out.push(entry);
  }
  return out;
}

/** The exports: { name, kind, index, indexAt (offset of the index) }. */
export function exports(bytes) {
  const s = section(bytes, SECTION.export);
  if (!s) return [];
  const r = new Reader(bytes, s.body);
  const n = r.u32();
  const out = [];
  for (let i = 0; i < n; i++) {
    const name = r.name();
    const kind = r.byte();
    const indexAt = r.at;
    out.push({ name, kind, index: r.u32(), indexAt });
  }
  return out;
}

/** Counts of imported and defined functions. */
export function functionCounts(bytes) {
  const imported = imports(bytes).filter((i) => i.kind === KIND.func).length;
  const s = section(bytes, SECTION.function);
  return { imported, defined: s ? new Reader(bytes, s.body).u32() : 0 };
}

/** The element types of the tables, imported ones first (0x70 funcref, 0x6f externref). */
function tableTypes(bytes) {
  const out = imports(bytes).filter((i) => i.kind === KIND.table).map((i) => i.refType);
  const s = section(bytes, SECTION.table);
  if (s) {
    const r = new Reader(bytes, s.body);
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      out.push(r.byte());
      r.limits();
    }
  }
  return out;
}

/** The module with its sections replaced: `edits` maps a section id to its new payload
 * (bytes), or to null to drop it; `append` adds sections at the end. */
function rebuild(bytes, edits, append = []) {
  const parts = [bytes.subarray(0, 8)];
  for (const s of sections(bytes)) {
    const key = s.id === SECTION.custom ? `custom:${s.name}` : s.id;
    if (!(key in edits)) {
      parts.push(bytes.subarray(s.start, s.end));
      continue;
    }
    const body = edits[key];
    if (body !== null) parts.push(Buffer.from([s.id, ...leb(body.length)]), body);
  }
  for (const { id, body } of append) parts.push(Buffer.from([id, ...leb(body.length)]), body);
  return Buffer.concat(parts);
}

/** The module with a name section naming every function `f<index>` (any name section it had
 * is replaced): names wasm-metadce's output keeps and wasm-split's --keep-funcs reads, the
 * same in both binaryen versions. */
export function nameFunctions(bytes) {
  const { imported, defined } = functionCounts(bytes);
  const total = imported + defined;
  const map = [...leb(total)];
  for (let i = 0; i < total; i++) map.push(...leb(i), ...encName(`f${i}`));
  const body = Buffer.from([...encName("name"), 1, ...leb(map.length), ...map]);
  return rebuild(bytes, { "custom:name": null }, [{ id: SECTION.custom, body }]);
}

/** Binaryen 108's wasm-split writes the `__wbindgen_externrefs` export as the funcref table;
 * points it back at the module's one externref table (the index has the same length). */
export function fixExternrefExport(bytes, name = "__wbindgen_externrefs") {
  const ex = exports(bytes).find((e) => e.name === name && e.kind === KIND.table);
  if (!ex) throw new Error(`wasm: no table export ${name}`);
  const types = tableTypes(bytes);
  const externref = types.flatMap((t, i) => (t === EXTERNREF ? [i] : []));
  if (externref.length !== 1) throw new Error(`wasm: ${externref.length} externref tables (expected one)`);
  const want = externref[0];
  if (ex.index === want) return bytes;
  if (leb(ex.index).length !== 1 || leb(want).length !== 1) throw new Error("wasm: table indices above 127");
  const out = Buffer.from(bytes);
  out[ex.indexAt] = want;
  return out;
}

/** The module with every function imported from `module` defined instead, as a function that
 * traps (`unreachable`): wasm-split's placeholders, which the second module's element segment
 * replaces in the table when it is instantiated. They must be the last function imports (as
 * wasm-split writes them): defined functions are numbered after the imports, so the first K
 * defined functions take exactly the indices the K imports had. */
export function definePlaceholders(bytes, module = "placeholder") {
  const all = imports(bytes);
  const funcs = all.filter((i) => i.kind === KIND.func);
  const firstPlaceholder = funcs.findIndex((i) => i.module === module);
  if (firstPlaceholder < 0) return { bytes, count: 0 };
  const placeholders = funcs.slice(firstPlaceholder);
  if (placeholders.some((i) => i.module !== module)) throw new Error(`wasm: imports from ${module} are not the last function imports`);
  const kept = all.filter((i) => !(i.kind === KIND.func && i.module === module));
  const importBody = Buffer.concat([Buffer.from(leb(kept.length)), ...kept.map((i) => bytes.subarray(i.start, i.end))]);

  const fs = section(bytes, SECTION.function);
  const cs = section(bytes, SECTION.code);
  if (!fs || !cs) throw new Error("wasm: no function or code section");
  const fr = new Reader(bytes, fs.body);
  const nf = fr.u32();
  const functionBody = Buffer.concat([Buffer.from(leb(nf + placeholders.length)), Buffer.from(placeholders.flatMap((p) => leb(p.type))), bytes.subarray(fr.at, fs.end)]);
  const cr = new Reader(bytes, cs.body);
  const nc = cr.u32();
  // Each body: size 3, no locals, unreachable, end.
  const trap = [3, 0, 0x00, 0x0b];
  const codeBody = Buffer.concat([Buffer.from(leb(nc + placeholders.length)), Buffer.from(placeholders.flatMap(() => trap)), bytes.subarray(cr.at, cs.end)]);
  return { bytes: rebuild(bytes, { [SECTION.import]: importBody, [SECTION.function]: functionBody, [SECTION.code]: codeBody }), count: placeholders.length };
}
