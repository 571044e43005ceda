/**
 * The running instance's figures (GET /api/metrics/overview), polled every few seconds
 * while the page is visible; a hidden tab stops polling and refreshes when shown again.
 */
import { useEffect, useState } from 'react';
import { errorMessage, pb } from '../lib/api';

export interface Window {
  requests: number;
  requestsPerMinute: number;
  errorRate: number | null;
  serverErrorRate: number | null;
  p95Ms: number | null;
}

export interface Overview {
  enabled: boolean;
  requestsPerMinute: number | null;
  errorRate: number | null;
  serverErrorRate: number | null;
  p95Ms: number | null;
  fiveMinutes: Window | null;
  realtimeClients: number | null;
  activeRequests: number | null;
  uptimeSeconds: number;
  at: string;
}

export const POLL_MS = 3000;

export function useOverview(): { overview: Overview | null; error: string } {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      timer = undefined;
      try {
        setOverview(await pb.send<Overview>('/api/metrics/overview', {}));
        setError('');
      } catch (err) {
        setError(errorMessage(err));
      }
      if (!stopped && !document.hidden) timer = setTimeout(poll, POLL_MS);
    };
    const onVisibility = () => {
      if (document.hidden) { clearTimeout(timer); timer = undefined; }
      else if (!timer) void poll();
    };
    void poll();
    document.addEventListener('visibilitychange', onVisibility);
    return () => { stopped = true; clearTimeout(timer); document.removeEventListener('visibilitychange', onVisibility); };
  }, []);

  return { overview, error };
}
