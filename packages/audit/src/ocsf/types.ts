import type { JsonValue } from '../canonical-json.js';
import type { ActionId, DispositionId, SeverityId, StatusId } from './constants.js';

/** OCSF `product` object as NemoClaw fills it. */
export interface OcsfProduct {
  name: string;
  vendor_name: string;
  version: string;
}

/** OCSF `key_value_object`. */
export interface OcsfKeyValue {
  name: string;
  value: string;
}

/** OCSF `metadata` object as NemoClaw fills it. */
export interface OcsfMetadata {
  product: OcsfProduct;
  /** The OCSF schema version, {@link ocsfSchemaVersion}. */
  version: string;
  /** Unique per event (a random UUID): receivers de-duplicate on it. */
  uid: string;
  /** Profiles whose attributes the event uses, e.g. `security_control`. */
  profiles?: string[];
  log_name?: string;
  correlation_uid?: string;
  tags?: OcsfKeyValue[];
}

/** OCSF `network_endpoint` (the subset NemoClaw fills). */
export interface OcsfNetworkEndpoint {
  ip?: string;
  port?: number;
  hostname?: string;
  domain?: string;
  name?: string;
  svc_name?: string;
}

/** OCSF `file` (the subset NemoClaw fills). */
export interface OcsfFile {
  name: string;
  path?: string;
  /** 1 Regular File. */
  type_id: number;
}

/** OCSF `process` (the subset NemoClaw fills). */
export interface OcsfProcess {
  pid?: number;
  uid?: string;
  name?: string;
  path?: string;
  cmd_line?: string;
  file?: OcsfFile;
  working_directory?: string;
  sandbox?: string;
  parent_process?: OcsfProcess;
  terminated_time?: number;
  user?: { name?: string; uid?: string };
}

/** OCSF `actor`. */
export interface OcsfActor {
  process?: OcsfProcess;
  app_name?: string;
  user?: { name?: string; uid?: string };
}

/** OCSF `device` (the subset NemoClaw fills). */
export interface OcsfDevice {
  hostname?: string;
  name?: string;
  /** 0 Unknown, 1 Server, 2 Desktop, ... */
  type_id: number;
  type?: string;
}

/** OCSF `policy` (Security Control profile). */
export interface OcsfPolicy {
  name?: string;
  uid?: string;
  version?: string;
  desc?: string;
  is_applied?: boolean;
}

/** Attributes of the Security Control profile NemoClaw sets on decisions. */
export interface OcsfSecurityControl {
  action_id?: ActionId;
  action?: string;
  disposition_id?: DispositionId;
  disposition?: string;
  policy?: OcsfPolicy;
  is_alert?: boolean;
}

/** The base-event attributes every NemoClaw event carries. */
export interface OcsfBaseEvent extends OcsfSecurityControl {
  activity_id: number;
  activity_name: string;
  category_uid: number;
  category_name: string;
  class_uid: number;
  class_name: string;
  type_uid: number;
  type_name: string;
  /** Event time, epoch milliseconds (UTC). */
  time: number;
  severity_id: SeverityId;
  severity: string;
  status_id?: StatusId | number;
  status?: string;
  status_code?: string;
  status_detail?: string;
  message?: string;
  metadata: OcsfMetadata;
  actor?: OcsfActor;
  device?: OcsfDevice;
  unmapped?: { [key: string]: JsonValue };
}

/** Process Activity (1007). */
export interface ProcessActivityEvent extends OcsfBaseEvent {
  class_uid: 1007;
  actor: OcsfActor;
  device: OcsfDevice;
  process: OcsfProcess;
  exit_code?: number;
  launch_type_id?: number;
  launch_type?: string;
}

/** OCSF `network_connection_info` (subset). */
export interface OcsfConnectionInfo {
  /** 2 Outbound. */
  direction_id: number;
  direction?: string;
  protocol_name?: string;
  protocol_num?: number;
}

/** Network Activity (4001). */
export interface NetworkActivityEvent extends OcsfBaseEvent {
  class_uid: 4001;
  src_endpoint?: OcsfNetworkEndpoint;
  dst_endpoint?: OcsfNetworkEndpoint;
  connection_info?: OcsfConnectionInfo;
}

/** OCSF `url` (subset). */
export interface OcsfUrl {
  scheme?: string;
  hostname?: string;
  port?: number;
  path?: string;
  url_string?: string;
}

/** HTTP Activity (4002). */
export interface HttpActivityEvent extends OcsfBaseEvent {
  class_uid: 4002;
  src_endpoint?: OcsfNetworkEndpoint;
  dst_endpoint?: OcsfNetworkEndpoint;
  http_request: { http_method: string; url: OcsfUrl };
  http_response?: { code: number };
  http_status?: number;
}

/** Device Config State Change (5019), used for policy load/apply. */
export interface PolicyChangeEvent extends OcsfBaseEvent {
  class_uid: 5019;
  device: OcsfDevice;
  state_id?: number;
  state?: string;
}

/** OCSF `finding_info` (subset). */
export interface OcsfFindingInfo {
  uid: string;
  title: string;
  desc?: string;
  types?: string[];
  created_time?: number;
  analytic?: { name: string; uid?: string; type_id: number; type?: string };
}

/** Detection Finding (2004). */
export interface DetectionFindingEvent extends OcsfBaseEvent {
  class_uid: 2004;
  finding_info: OcsfFindingInfo;
  confidence_id?: number;
  confidence?: string;
  evidences?: Array<{
    process?: OcsfProcess;
    dst_endpoint?: OcsfNetworkEndpoint;
    file?: OcsfFile;
    name?: string;
  }>;
}

/** OCSF `data_classification` (subset) carrying entity types and counts, never values. */
export interface OcsfDataClassification {
  /** 0 Unknown, 1 Personal, 2 Governmental, 3 Financial, 4 Business, ... */
  category_id: number;
  classifier_details?: { type: string; name?: string };
  discovery_details?: Array<{ type: string; count: number }>;
  total?: number;
}

/** API Activity (6003), used for inference calls. */
export interface InferenceActivityEvent extends OcsfBaseEvent {
  class_uid: 6003;
  actor: OcsfActor;
  api: { operation: string; service?: { name: string }; version?: string };
  src_endpoint: OcsfNetworkEndpoint;
  dst_endpoint?: OcsfNetworkEndpoint;
  http_response?: { code: number; latency?: number };
  resources?: Array<{
    type: string;
    name?: string;
    data_classifications?: OcsfDataClassification[];
  }>;
  ai_model?: { name: string; ai_provider: string };
  message_context?: {
    service: { name: string };
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
  };
}

/** Any event this package builds. */
export type NemoclawOcsfEvent =
  | ProcessActivityEvent
  | NetworkActivityEvent
  | HttpActivityEvent
  | PolicyChangeEvent
  | DetectionFindingEvent
  | InferenceActivityEvent;
