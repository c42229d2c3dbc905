/** What the test and a pipeline-worker process say to each other (kept apart so importing it starts nothing). */
export interface Delivery {
  body: unknown;
  headers?: Record<string, string>;
}

export interface PipelineJob {
  label: string;
  deliveries: Delivery[];
}

export interface DeliveryReply {
  status: number;
  body: Record<string, unknown>;
  /** Epoch ms the delivery was handed to the handler. */
  sentAt: number;
}

export interface PipelineReport {
  label: string;
  pid: number;
  replies: DeliveryReply[];
}

export const REPORT_PREFIX = 'REPORT ';
export const READY_LINE = 'READY';
export const GO_LINE = 'GO';
