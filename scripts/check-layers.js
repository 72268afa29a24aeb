// The import direction rule of the README's Layout section, checked (`npm run lint` runs it):
// no file of src/ imports from an entry of src/ that the layout lists above its own. The order is
// read from the README itself, so the rule and its documentation cannot drift apart; every file and
// folder at the top of src/ must be listed there. Inside one entry (a folder), files import freely.
// Plain CommonJS with no dependencies, so it runs before anything is built.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const IMPORT = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"](\.{1,2}\/[^'"]*)['"]/g;

/** The entries of src/ in the order the README's layout block lists them (`cli.ts, cli/` share a rank). */
function layoutRanks() {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /### Layout\s*\n```\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no ### Layout code block');
  const lines = block[1].split('\n');
  const start = lines.findIndex((line) => /^src\/(\s|$)/.test(line));
  if (start === -1) throw new Error('the README layout has no src/ line');
  const ranks = new Map();
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    if (line.startsWith('   ')) continue; // a sub-folder: part of the entry above it
    const names = line.trim().split(/\s{2,}/)[0].split(/,\s*/);
    for (const name of names) ranks.set(name.replace(/\/$/, ''), ranks.size);
  }
  return ranks;
}

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js)$/.test(entry.name) ? [full] : [];
  });
}

/** `server.ts` for src/server.ts, `http` for anything under src/http/; undefined outside src/. */
function entryOf(file) {
  const relative = path.relative(SRC, file);
  if (relative.startsWith('..')) return undefined;
  return relative.split(path.sep)[0];
}

function rankOf(ranks, entry) {
  return ranks.get(entry) ?? ranks.get(entry.replace(/\.(ts|js)$/, ''));
}

function main() {
  const ranks = layoutRanks();
  const problems = [];
  for (const entry of fs.readdirSync(SRC)) {
    if (rankOf(ranks, entry) === undefined) problems.push(`src/${entry} is not listed in the README's layout`);
  }
  for (const listed of ranks.keys()) {
    if (!fs.existsSync(path.join(SRC, listed))) problems.push(`the README's layout lists src/${listed}, which does not exist`);
  }
  for (const file of sourceFiles(SRC)) {
    const from = entryOf(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(IMPORT)) {
      const to = entryOf(path.resolve(path.dirname(file), specifier));
      if (to === undefined || to === from) continue;
      const fromRank = rankOf(ranks, from);
      const toRank = rankOf(ranks, to);
      if (fromRank !== undefined && toRank !== undefined && toRank < fromRank) {
        problems.push(`${path.relative(ROOT, file)} imports '${specifier}': src/${to} is above src/${from} in the README's layout`);
      }
    }
  }
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
}

main();
