import { styleHash } from '../html-security';

/**
 * The console's one stylesheet, inline and allowed by its hash alone. Phone first: one column of cards,
 * tables that fold into labelled rows; two columns from tablet width up.
 */
export const CONSOLE_CSS = [
  ':root{--ok:#0a6b2d;--bad:#a11;--warn:#8a5a00;--line:#d9dde3;--muted:#5b6470;--bg:#f4f6f8;--card:#fff;--accent:#1d4ed8}',
  '*{box-sizing:border-box}',
  'body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:var(--bg)}',
  'header.top{display:flex;align-items:center;gap:.75rem;flex-wrap:wrap;padding:.75rem 1rem;background:#111827;color:#fff}',
  'header.top h1{font-size:1.05rem;margin:0;flex:1}',
  'header.top .now{font-size:.85rem;color:#cbd5e1}',
  'main{padding:.75rem;max-width:1200px;margin:0 auto}',
  '.banner{padding:.75rem 1rem;border-radius:.5rem;margin-bottom:.75rem;font-weight:600}',
  '.banner.ok{background:#e6f4ea;color:var(--ok)}.banner.bad{background:#fdecec;color:var(--bad)}.banner.info{background:#e8effd;color:var(--accent)}',
  '.banner ul{margin:.35rem 0 0;padding-left:1.1rem;font-weight:400}',
  '.grid{display:grid;grid-template-columns:1fr;gap:.75rem;margin-bottom:.75rem}',
  '.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin-bottom:.75rem;overflow-wrap:anywhere}',
  '.grid .card{margin-bottom:0}',
  '.card h2{font-size:1rem;margin:0 0 .5rem}',
  '.big{font-size:1.25rem;font-weight:700;margin:.1rem 0 .35rem}',
  '.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}.muted{color:var(--muted);font-size:.9rem}',
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .75rem;margin:.25rem 0}dt{color:var(--muted)}dd{margin:0}',
  'ul.checks{list-style:none;margin:0;padding:0}ul.checks li{padding:.25rem 0;border-bottom:1px solid var(--line)}ul.checks li:last-child{border:0}',
  'button,.button{display:inline-block;font:inherit;font-weight:600;padding:.6rem 1rem;border-radius:.4rem;border:1px solid var(--accent);background:var(--accent);color:#fff;text-decoration:none;cursor:pointer;min-height:44px}',
  'button.secondary,.button.secondary{background:#fff;color:var(--accent)}',
  'button.danger{background:var(--bad);border-color:var(--bad)}button.go{background:var(--ok);border-color:var(--ok)}',
  'header.top button{background:transparent;border-color:#94a3b8;min-height:36px;padding:.3rem .7rem}',
  'form.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}',
  'label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted);gap:.2rem}',
  'input,select{font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:.35rem;min-height:44px;width:8.5rem;color:#111}',
  'input[type=password]{width:100%;max-width:22rem}',
  'table{width:100%;border-collapse:collapse;font-size:.9rem}',
  'th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}',
  'th{color:var(--muted);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}',
  '.badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-size:.8rem;font-weight:700;background:#eef0f3}',
  '.badge.ok{background:#e6f4ea}.badge.bad{background:#fdecec}.badge.warn{background:#fff4e0}',
  'ul.fields{margin:.2rem 0 0;padding-left:1rem;font-size:.85rem}',
  '.notes li{margin-bottom:.35rem}',
  '@media (max-width:640px){table.stack thead{display:none}table.stack tr{display:block;border-bottom:2px solid var(--line);padding:.35rem 0}',
  'table.stack td{display:grid;grid-template-columns:6.5rem minmax(0,1fr);gap:.75rem;border:0;padding:.15rem 0}',
  'table.stack td.num{text-align:left}table.stack td.label-only{display:none}',
  'table.stack td::before{content:attr(data-label);color:var(--muted);font-weight:600}}',
  '@media (min-width:760px){.grid{grid-template-columns:1fr 1fr}main{padding:1rem}}',
  '@media (min-width:1100px){.grid{grid-template-columns:repeat(4,1fr)}}',
].join('\n');

export const CONSOLE_STYLE_HASH = styleHash(CONSOLE_CSS);
