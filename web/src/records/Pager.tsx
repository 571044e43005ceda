/** Previous/next paging with the totals from the list response. */
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { Button } from '../ui/Button';

export function Pager({ page, totalPages, totalItems, onPage }: { page: number; totalPages: number; totalItems: number; onPage: (p: number) => void }) {
  return (
    <nav className="rec-pager" aria-label="Pages">
      <span className="muted">{totalItems} record{totalItems === 1 ? '' : 's'} · page {page} of {Math.max(totalPages, 1)}</span>
      <Button variant="secondary" small icon={ChevronLeft} disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</Button>
      <Button variant="secondary" small icon={ChevronRight} disabled={page >= totalPages} onClick={() => onPage(page + 1)}>Next</Button>
    </nav>
  );
}
