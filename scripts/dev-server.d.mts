import type { ChildProcess } from 'node:child_process';

export declare const root: string;
export declare const DEFAULT_DEV_PORT: number;
export declare function buildExamples(): Promise<void>;
export interface DevServer {
  url: string;
  secondUrl: string;
  stop(): void;
  child: ChildProcess;
  output(): string;
}
export declare function startDevServer(options?: {
  port?: number;
  persistTo?: string;
  stdio?: 'inherit' | 'pipe';
  vars?: Record<string, string>;
}): Promise<DevServer>;
export declare function startDevServerOnFreePorts(options?: {
  persistTo?: string;
  stdio?: 'inherit' | 'pipe';
  vars?: (port: number) => Record<string, string>;
  tries?: number;
}): Promise<DevServer>;
export declare function freePortPair(): Promise<number>;
