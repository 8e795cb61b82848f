#!/usr/bin/env node
// Convert a key/value history in the Knossos/Jepsen EDN-lines format of porcupine's
// test_data/kv/*.txt into lincheck's JSON lines (README, "Checking a history for
// linearizability"):
//
//   node scripts/porcupine-kv-to-jsonl.mjs IN.txt > OUT.jsonl
//
// Each input line is one event: {:process P, :type :invoke|:ok|:fail|:info, :f :get|:put|:append,
// :key "K", :value nil|"V"}. The line number is the event's time (only order matters). An
// :invoke opens process P's operation; :ok completes it (a get's :value is its output); :fail
// means it did not happen (dropped); :info, or no completion at all, leaves it open (never
// returned). A bad line stops the conversion with its number.
import { readFileSync } from 'node:fs';

const LINE = /^\{:process (\d+), :type :(invoke|ok|fail|info), :f :(get|put|append), :key "((?:[^"\\]|\\.)*)", :value (nil|"((?:[^"\\]|\\.)*)")\}$/;

function main() {
  const [file] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node scripts/porcupine-kv-to-jsonl.mjs IN.txt > OUT.jsonl');
    process.exit(2);
  }
  const pending = new Map(); // process -> operation
  const done = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const m = LINE.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: not a Knossos kv event: ${line}`);
    const [, proc, type, f, key, , value] = m;
    const client = Number(proc);
    const time = i + 1;
    if (type === 'invoke') {
      if (pending.has(client)) throw new Error(`${file}:${i + 1}: process ${client} invokes twice`);
      const op = { client, call: time, return: null, op: f, key };
      if (f !== 'get') op.value = JSON.parse(`"${value ?? ''}"`);
      pending.set(client, op);
      return;
    }
    const op = pending.get(client);
    if (!op || op.op !== f) throw new Error(`${file}:${i + 1}: ${type} without a matching invoke`);
    pending.delete(client);
    if (type === 'fail') return;
    if (type === 'ok') {
      op.return = time;
      if (f === 'get') op.output = JSON.parse(`"${value ?? ''}"`);
    }
    done.push(op);
  });
  done.push(...pending.values());
  done.sort((a, b) => a.call - b.call);
  process.stdout.write(done.map((op) => JSON.stringify(op)).join('\n') + '\n');
}

main();
