import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/model.js';
import { renderHtml } from '../src/render/html.js';
import { findChromium } from '../src/tools/index.js';
import { sampleReport, sampleReportFor } from './fixtures/sample-report.js';
import { sampleReportWithStalls } from './fixtures/sample-stalls.js';

/** report.html in a real (headless) Chromium: it must draw every chart with no network at all. */

const ARTIFACTS = resolve(__dirname, '../../.test-artifacts');

interface ChartState {
  id: string;
  kind: string | null;
  hasEchartsInstance: boolean;
  seriesCount: number;
  seriesTypes: string[];
  canvasWidth: number;
  canvasHeight: number;
}

interface Loaded {
  page: Page;
  html: string;
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  foreignRequests: string[];
}

let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'looplab-report-html-'));
  browser = await chromium.launch({
    executablePath: findChromium(),
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(report: Report, name: string): Promise<Loaded> {
  const html = renderHtml(report);
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const loaded: Loaded = {
    page,
    html,
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    foreignRequests: [],
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') loaded.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => loaded.pageErrors.push(String(error)));
  page.on('requestfailed', (request) => loaded.failedRequests.push(request.url()));
  page.on('request', (request) => {
    if (!/^(file|data|blob):/.test(request.url())) loaded.foreignRequests.push(request.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts-ready]', { timeout: 15_000 });
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-chart]')].every((el) => {
        const surface = el.querySelector('canvas, svg');
        if (!surface) return false;
        const box = surface.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
      }),
    undefined,
    { timeout: 15_000 },
  );
  return loaded;
}

async function chartStates(page: Page): Promise<ChartState[]> {
  return page.evaluate(() => {
    const echarts = (window as unknown as { echarts: typeof import('echarts') }).echarts;
    return [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((el) => {
      const chart = echarts.getInstanceByDom(el);
      const option = chart?.getOption() as { series?: Array<{ type?: string }> } | undefined;
      const canvas = el.querySelector('canvas');
      return {
        id: el.id,
        kind: el.getAttribute('data-kind'),
        hasEchartsInstance: chart !== undefined,
        seriesCount: option?.series?.length ?? 0,
        seriesTypes: (option?.series ?? []).map((s) => s.type ?? ''),
        canvasWidth: canvas?.width ?? 0,
        canvasHeight: canvas?.height ?? 0,
      };
    });
  });
}

function expectClean(loaded: Loaded): void {
  expect(loaded.consoleErrors).toEqual([]);
  expect(loaded.pageErrors).toEqual([]);
  expect(loaded.failedRequests).toEqual([]);
  expect(loaded.foreignRequests).toEqual([]);
}

describe('report.html', () => {
  it('renders the full sample report offline, with every chart drawn', async () => {
    const report = sampleReport();
    const loaded = await open(report, 'full');
    const { page } = loaded;
    try {
      expectClean(loaded);

      const rows = page.locator('table.summary tbody tr');
      await expect.poll(() => rows.count()).toBe(3);
      expect(
        await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-strategy'))),
      ).toEqual(['async', 'blocking', 'pooled']);
      const blockingP99 = page.locator('tr[data-strategy="blocking"] td[data-col="probe-p99"]');
      expect(await blockingP99.textContent()).toBe('201.4');

      const verdict = page.locator('#verdict');
      expect(await verdict.isVisible()).toBe(true);
      expect(await verdict.textContent()).toContain(report.verdict);

      expect(await page.locator('#budgets li[data-passed="true"]').count()).toBe(1);
      expect(await page.locator('#budgets li[data-passed="false"]').count()).toBe(1);

      const embedded = await page.evaluate(
        () => JSON.parse(document.getElementById('report-data')?.textContent ?? 'null') as Report,
      );
      expect(embedded.runId).toBe(report.runId);
      expect(embedded.series).toHaveLength(report.series.length);

      const charts = await chartStates(page);
      expect(charts.map((c) => c.id)).toEqual([
        'chart-probe-percentiles',
        'chart-timeline-async',
        'chart-timeline-blocking',
        'chart-timeline-pooled',
        'chart-queue',
      ]);
      for (const chart of charts) {
        expect(chart.hasEchartsInstance, chart.id).toBe(true);
        expect(chart.canvasWidth, chart.id).toBeGreaterThan(0);
        expect(chart.canvasHeight, chart.id).toBeGreaterThan(0);
      }
      const byId = new Map(charts.map((c) => [c.id, c]));
      // one bar series per strategy; p50/p95/p99 + lag max + utilization per timeline;
      // queue depth + in flight per strategy.
      expect(byId.get('chart-probe-percentiles')?.seriesTypes).toEqual(['bar', 'bar', 'bar']);
      expect(byId.get('chart-timeline-blocking')?.seriesCount).toBe(5);
      expect(byId.get('chart-queue')?.seriesCount).toBe(6);

      // Formatters are attached in the page: hovering must show formatted values, not throw.
      const blocking = page.locator('#chart-timeline-blocking');
      const box = await blocking.boundingBox();
      if (!box) throw new Error('blocking chart has no box');
      await blocking.hover({ position: { x: box.width / 2, y: box.height / 2 } });
      await expect
        .poll(() => blocking.textContent(), { timeout: 5_000 })
        .toMatch(/t = \d+ s[\s\S]*probe p99\s*[\d.]+ ms[\s\S]*utilization \(%\)\s*\d+ %/);
      expectClean(loaded);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report-html.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('renders a subset without the baseline, showing dashes for the ratios', async () => {
    const loaded = await open(sampleReportFor(['blocking', 'pooled']), 'subset');
    const { page } = loaded;
    try {
      expectClean(loaded);
      expect(await page.locator('table.summary tbody tr').count()).toBe(2);
      const ratios = await page
        .locator('td[data-col="probe-p99-ratio"]')
        .evaluateAll((tds) => tds.map((td) => td.textContent));
      expect(ratios).toEqual(['–', '–']);
      const charts = await chartStates(page);
      expect(charts.map((c) => c.id)).toEqual([
        'chart-probe-percentiles',
        'chart-timeline-blocking',
        'chart-timeline-pooled',
        'chart-queue',
      ]);
      expect(charts.every((c) => c.hasEchartsInstance && c.canvasWidth > 0)).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('draws what blocked the loop offline: the stall table and a flame graph per stalled strategy', async () => {
    const loaded = await open(sampleReportWithStalls(), 'stalls');
    const { page, html } = loaded;
    try {
      expectClean(loaded);
      const table = page.locator('#stalls table tbody tr');
      const cells = await table.evaluateAll((trs) =>
        trs.map((tr) => [...tr.children].map((cell) => cell.textContent ?? '')),
      );
      expect(cells[0]).toEqual(['async', '0', '0 ms', '–', '–', 'no stall over 50 ms', '', '', '']);
      expect(cells[1]).toEqual([
        'blocking',
        '30',
        '6.1 s',
        '0.0 %',
        'on_cpu 30',
        'burnCpu',
        'workloads.ts:44',
        '97 %',
        '97 %',
      ]);
      expect(cells.at(-1)?.slice(0, 6)).toEqual([
        'pooled',
        '0',
        '0 ms',
        '–',
        '–',
        'no stall over 50 ms',
      ]);

      // One flame graph, for the one strategy that stalled, drawn by the browser.
      const figures = page.locator('#flame-graphs figure.flame');
      expect(await figures.count()).toBe(1);
      expect(await figures.first().getAttribute('data-strategy')).toBe('blocking');
      const svg = page.locator('#flame-graphs svg.flame-graph');
      const svgBox = await svg.boundingBox();
      if (!svgBox) throw new Error('the flame graph has no box');
      expect(svgBox.width).toBeGreaterThan(1000);
      expect(svgBox.height).toBeGreaterThan(5 * 15);
      expect(await svg.locator('g.frame rect').count()).toBeGreaterThanOrEqual(8);
      // burnCpu held 97 % of the stalled time: its bar spans about that much of the graph.
      const burn = svg.locator('g.frame[data-function="burnCpu"]');
      const burnBox = await burn.locator('rect').boundingBox();
      if (!burnBox) throw new Error('burnCpu has no bar');
      expect(burnBox.width / svgBox.width).toBeGreaterThan(0.95);
      expect(burnBox.width / svgBox.width).toBeLessThan(0.99);
      expect(await burn.locator('text').textContent()).toBe('burnCpu (workloads.ts:44)');
      expect(await burn.locator('title').textContent()).toContain(
        '/app/target-app/src/workloads/workloads.ts:44',
      );
      const bottom = await svg.locator('g.frame[data-depth="0"] rect').boundingBox();
      expect(bottom?.width).toBeCloseTo(svgBox.width, 0);
      // The charts are drawn as before, and nothing in the page reaches the network.
      expect(Number(await page.locator('body').getAttribute('data-charts-ready'))).toBe(5);
      const outsideBundle = html.replace(/<script>[\s\S]*?<\/script>/g, '');
      expect(outsideBundle.match(/https?:\/\/\S{0,60}/i)).toBeNull();

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.locator('#stalls').screenshot({ path: join(ARTIFACTS, 'report-html-stalls.png') });
      await page
        .locator('#flame-graphs')
        .screenshot({ path: join(ARTIFACTS, 'report-html-flame-graph.png') });
    } finally {
      await page.close();
    }
  });

  it('references nothing outside the file', () => {
    const html = renderHtml(sampleReport());
    // `match(...)` rather than `toMatch`, so a failure prints the offending text, not 700 KB.
    expect(html.match(/<script[^>]*\ssrc\s*=[^>]*>/i)).toBeNull();
    expect(html.match(/<link[^>]*\shref\s*=[^>]*>/i)).toBeNull();
    // Outside the inlined ECharts bundle (whose string constants name XML namespaces and its
    // licence), no URL, import or embedded resource appears anywhere.
    const bundleStart = html.indexOf('<script>', html.indexOf('id="chart-options"'));
    const bundleEnd = html.indexOf('</script>', bundleStart);
    expect(bundleStart).toBeGreaterThan(0);
    const outsideBundle = html.slice(0, bundleStart) + html.slice(bundleEnd);
    expect(outsideBundle.length).toBeLessThan(html.length / 2);
    expect(outsideBundle.match(/https?:\/\/\S{0,60}/i)).toBeNull();
    expect(
      outsideBundle.match(/<(img|iframe|source|video|audio|embed|object)\b[^>]*>/i),
    ).toBeNull();
    expect(outsideBundle.match(/url\(|@import/i)).toBeNull();
  });

  it('escapes the embedded JSON so it cannot close its script element', () => {
    const report = sampleReport();
    report.verdict = 'evil </script><script>alert(1)</script> <!-- comment';
    const html = renderHtml(report);
    const data = html.slice(html.indexOf('id="report-data">'), html.indexOf('id="chart-options"'));
    expect(data).not.toContain('</script><script>');
    expect(data).toContain('<\\/script>');
    expect(data).not.toContain('<!--');
    expect(html).toContain('evil &#60;/script&#62;&#60;script&#62;alert(1)');
  });
});
