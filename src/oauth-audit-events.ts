/** The authorization server's audit events (docs/oauth.md, docs/security.md#audit-log); part of AuditEvents. */
export interface OAuthAuditEvents {
  oauth_client_created: { client_id: string };
  oauth_client_deleted: { client_id: string };
  oauth_consent_granted: { user_id: number; client_id: string };
  oauth_consent_denied: { user_id: number; client_id: string };
  oauth_consent_withdrawn: { user_id: number; client_id: string };
  /** A code presented a second time: what its first use issued has been ended. */
  oauth_code_reuse_detected: { user_id: number; client_id: string };
}
