-- Every source that carried a document: the same text under two file names or URLs is one
-- document (dim_documents) with two rows here, so nothing a source said is lost and nothing
-- is counted twice.
select
    document_id,
    source_document_id,
    source_uri,
    source_kind,
    source_url,
    source_name,
    title,
    published_date,
    content_hash,
    encoding,
    source_document_id = document_id as is_canonical

from {{ ref('stg_raw__document_sources') }}
