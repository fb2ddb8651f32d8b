// run.mjs — the browser acceptance suite: node tests/browser/run.mjs [scenario ...]
//
// Starts one cluster (ops/gavel up --detach, random port, temp data dir, binaries from
// $GAVEL_BUILD), one headless chromium, and runs each scenario_<name>.mjs in order with fresh
// browser contexts. Screenshots go to $GAVEL_SCREENSHOTS (default <GAVEL_BUILD>/screenshots).
// Exits non-zero when any scenario fails; prints a summary either way.
import fs from 'node:fs';
import path from 'node:path';
import { Cluster, launchBrowser, makeT, ROOT } from './harness.mjs';

const ALL = ['contestant', 'scoreboard', 'clarifications', 'admin', 'errors', 'pages'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const build = process.env.GAVEL_BUILD || path.join(ROOT, 'build');
const shots = process.env.GAVEL_SCREENSHOTS || path.join(build, 'screenshots');

const cluster = new Cluster();
let browser = null;
const results = [];
const stop = async () => {
  if (browser) await browser.close().catch(() => {});
  cluster.down();
};
// An error thrown outside a scenario's own awaits (a route handler, a page event) must not
// kill the runner before it stops the cluster: it fails the scenario that was running.
let stray = [];
const onStray = (e) => { stray.push(e && e.stack ? e.stack : String(e)); };
process.on('uncaughtException', onStray);
process.on('unhandledRejection', onStray);
process.on('SIGINT', async () => { await stop(); process.exit(130); });
process.on('SIGTERM', async () => { await stop(); process.exit(143); });

try {
  console.log(`browser suite: starting a cluster (${build})`);
  await cluster.up();
  browser = await launchBrowser();
  console.log(`browser suite: ${cluster.base}, chromium ${browser.version()}, screenshots in ${shots}`);
  for (const name of wanted) {
    const file = path.join(path.dirname(new URL(import.meta.url).pathname), `scenario_${name}.mjs`);
    if (!fs.existsSync(file)) { results.push([name, 'FAIL', `no ${path.basename(file)}`]); continue; }
    const t = await makeT(cluster, browser, shots);
    const t0 = Date.now();
    console.log(`  ${name}`);
    stray = [];
    try {
      const mod = await import(file);
      await mod.run(t);
      if (stray.length) throw new Error(`uncaught error outside the scenario's steps:\n${stray.join('\n')}`);
      results.push([name, 'PASS', `${((Date.now() - t0) / 1000).toFixed(1)} s`]);
    } catch (e) {
      results.push([name, 'FAIL', e && e.stack ? e.stack : String(e)]);
    } finally {
      await t.closeAll();
    }
  }
} catch (e) {
  results.push(['setup', 'FAIL', e && e.stack ? e.stack : String(e)]);
} finally {
  const failed = results.filter((r) => r[1] !== 'PASS');
  if (failed.length) console.log('\n' + cluster.logs());
  await stop();
  console.log('\nbrowser suite summary');
  for (const [n, s, d] of results) console.log(`  ${s}  ${n}${s === 'PASS' ? '  (' + d + ')' : '\n' + String(d).split('\n').map((l) => '        ' + l).join('\n')}`);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length) console.log(`the cluster's data directory is kept for inspection: ${cluster.data}`);
  else fs.rmSync(cluster.data, { recursive: true, force: true });
  process.exit(failed.length ? 1 : 0);
}
