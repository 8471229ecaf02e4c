// A scrolling table that renders only the fixed-height rows in view (plus a few), under a sticky header.
import {
  type CSSProperties,
  Fragment,
  type ReactNode,
  type UIEvent,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from "react";

interface VirtualRowsProps<T> {
  items: readonly T[];
  rowHeight: number;
  header: ReactNode;
  getKey: (item: T) => string;
  renderRow: (item: T, index: number, style: CSSProperties) => ReactNode;
  /** Rows rendered beyond each edge of the view, so a fast scroll shows no blank band. */
  overscan?: number;
  /** When this changes the box scrolls back to the top (new filters, new sort). */
  resetKey?: string;
  className?: string;
  label?: string;
  /** Shown under the header instead of rows when there are none. */
  empty?: ReactNode;
}

export function VirtualRows<T>({
  items,
  rowHeight,
  header,
  getKey,
  renderRow,
  overscan = 8,
  resetKey,
  className,
  label,
  empty,
}: VirtualRowsProps<T>) {
  const boxRef = useRef<HTMLElement>(null);
  const headerRef = useRef<HTMLTableSectionElement>(null);
  const frameRef = useRef<number | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(800);
  const [headerHeight, setHeaderHeight] = useState(0);

  useLayoutEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const measure = () => {
      setViewportHeight(box.clientHeight);
      setHeaderHeight(headerRef.current?.offsetHeight ?? 0);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `resetKey` is the trigger.
  useEffect(() => {
    if (boxRef.current) boxRef.current.scrollTop = 0;
    setScrollTop(0);
  }, [resetKey]);

  useEffect(
    () => () => {
      if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
    },
    [],
  );

  const handleScroll = (event: UIEvent<HTMLElement>) => {
    const box = event.currentTarget;
    if (frameRef.current !== null) return;
    frameRef.current = requestAnimationFrame(() => {
      frameRef.current = null;
      setScrollTop(box.scrollTop);
    });
  };

  const bodyHeight = items.length * rowHeight;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const visibleRows = Math.ceil(Math.max(0, viewportHeight - headerHeight) / rowHeight);
  const last = Math.min(
    items.length,
    Math.floor(scrollTop / rowHeight) + visibleRows + overscan + 1,
  );

  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const item = items[index];
    if (item === undefined) continue;
    const style: CSSProperties = {
      position: "absolute",
      top: 0,
      left: 0,
      right: 0,
      height: rowHeight,
      transform: `translateY(${index * rowHeight}px)`,
    };
    rows.push(<Fragment key={getKey(item)}>{renderRow(item, index, style)}</Fragment>);
  }

  return (
    <section
      ref={boxRef}
      className={className ? `virtual-rows ${className}` : "virtual-rows"}
      onScroll={handleScroll}
      // Focusable, so the keyboard can scroll it (the wall's rows have nothing else to focus).
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll region needs focus to scroll.
      tabIndex={0}
      aria-label={`${label}, scrollable`}
    >
      <table className="virtual-rows-table" aria-label={label} aria-rowcount={items.length + 1}>
        <thead ref={headerRef} className="virtual-rows-header">
          {header}
        </thead>
        {items.length === 0 && empty ? (
          <tbody className="virtual-rows-empty">
            <tr>
              <td>{empty}</td>
            </tr>
          </tbody>
        ) : (
          <tbody className="virtual-rows-body" style={{ height: bodyHeight }}>
            {rows}
          </tbody>
        )}
      </table>
    </section>
  );
}
