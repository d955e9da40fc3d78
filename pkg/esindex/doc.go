// Package esindex owns Wirestream's Elasticsearch side: the index layout
// (component templates, a composable index template, a versioned concrete
// index behind a write alias and a read alias), the shaping of an article into
// an Elasticsearch document, an asynchronous bulk writer with external
// versioning and retries, and the search used by `index search`.
//
// # Layout
//
// For a prefix P (default "wirestream-articles") Setup installs:
//
//   - component templates P-settings and P-mappings,
//   - the index template P matching "P-*" and composed of both,
//   - the concrete index P-v1 (when no write alias exists yet) with the write
//     alias P (is_write_index) and the read alias P-read.
//
// Writers only ever use the write alias and readers (search, Kibana) only the
// read alias, so a mapping change that existing documents cannot take is
// rolled out without downtime:
//
//  1. change the mapping here and raise IndexGeneration; run `index setup`,
//     which updates the templates but leaves the aliases alone because the
//     write alias exists,
//  2. create P-v2 (it picks up the new templates),
//  3. copy the documents with POST _reindex, source P-v1, dest P-v2 with
//     "version_type": "external" so every document keeps its article version
//     (the local integ-test Elasticsearch has no reindex module: this step
//     needs a full distribution),
//  4. in one POST _aliases request move P (is_write_index) and P-read from
//     P-v1 to P-v2, then replay the Kafka topic from the reindex start time
//     (external versioning makes the replay idempotent) and delete P-v1.
//
// Additive mapping changes (a new field) need none of this: Setup puts the
// current mappings on the write index, and reports an error when the existing
// index cannot take them.
//
// # Writing
//
// Writer is an asynchronous sink: Add queues an article and blocks only
// when the writer holds as many unsettled articles as it may; each Op's Done
// reports Indexed, Deleted, Stale (an older revision, dropped), Rejected
// (Elasticsearch refused the document: dead-letter it with the reason) or,
// only when Close gave up waiting, Abandoned (not written: do not commit).
// Transient failures are retried per item with backoff, without limit.
//
// # Versioning
//
// The document id is the article id and the Elasticsearch version is the
// article version with version_type external_gte: replaying a revision is a
// harmless success, an older revision is refused with 409 and reported as
// Stale, and a canceled revision deletes the document with the same versioned
// semantics. Delete tombstones are kept for index.gc_deletes (set to 24h in
// the settings template), so a revision older than a cancellation that
// arrives within that window stays refused.
package esindex
