// A virtually scrolled results grid: only the rows in view (plus a margin) are in the
// DOM, so 100,000 streamed rows scroll as smoothly as 100. `rows` is a plain array the
// caller appends to; `count` is how many of them to show (bumped as batches arrive).
import { useEffect, useRef, useState } from 'preact/hooks';

const ROW_HEIGHT = 28;
const OVERSCAN = 10;

function cellText(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function ResultsGrid({ columns, rows, count }) {
  const scroller = useRef(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  useEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    let frame = 0;
    const measure = () => {
      frame = 0;
      setView({ top: el.scrollTop, height: el.clientHeight });
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer = new ResizeObserver(onScroll);
    observer.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);
  const widths = columns.map((c) => Math.min(320, Math.max(96, 12 + 8 * (c.name || '').length)));
  const template = '64px ' + widths.map((w) => w + 'px').join(' ');
  const total = 64 + widths.reduce((a, b) => a + b, 0);
  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const visible = [];
  for (let i = first; i < last; i++) {
    const row = rows[i];
    visible.push(
      <div role="row" class="grid-row" aria-rowindex={i + 2} key={i}
        style={{ transform: `translateY(${i * ROW_HEIGHT}px)`, gridTemplateColumns: template, width: total + 'px' }}>
        <span role="rowheader" class="grid-num">{i + 1}</span>
        {row.map((value, c) => (
          <span role="gridcell" class={value === null ? 'null' : ''} key={c}>
            {cellText(value)}
          </span>
        ))}
      </div>,
    );
  }
  return (
    <div class="grid">
      <div class="grid-scroll" ref={scroller} tabIndex={0} data-testid="grid-scroll" role="grid"
        aria-label="Results" aria-rowcount={count + 1} aria-colcount={columns.length + 1}>
        <div role="row" class="grid-head" aria-rowindex={1}
          style={{ gridTemplateColumns: template, width: total + 'px' }}>
          <span role="columnheader" class="grid-num">#</span>
          {columns.map((c, i) => (
            <span role="columnheader" key={i} title={c.type}>
              {c.name}
            </span>
          ))}
        </div>
        <div role="rowgroup" class="grid-body" style={{ height: count * ROW_HEIGHT + 'px', width: total + 'px' }}>
          {visible}
        </div>
      </div>
    </div>
  );
}
