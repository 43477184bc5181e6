-- Every source that carried a document: the same text under two file names or URLs is one
-- document (dim_documents) with two rows here, so nothing a source said is lost and nothing
-- is counted twice. A copy found in a later run is not read again (the seen-set knows its
-- content hash): raw.source_aliases links it to the document by that hash.
with

read_sources as (

    select * from {{ ref('stg_raw__document_sources') }}

),

read_uris as (

    select source_uri from read_sources

),

aliases as (

    select
        read_sources.document_id,
        stg_raw__source_aliases.source_document_id,
        stg_raw__source_aliases.source_uri,
        stg_raw__source_aliases.source_kind,
        stg_raw__source_aliases.source_url,
        stg_raw__source_aliases.source_name,
        stg_raw__source_aliases.title,
        stg_raw__source_aliases.published_date,
        stg_raw__source_aliases.content_hash,
        cast(null as varchar) as encoding

    from {{ ref('stg_raw__source_aliases') }} as stg_raw__source_aliases
    inner join read_sources
        on stg_raw__source_aliases.content_hash = read_sources.content_hash
    -- a source read as a document of its own since is listed once, as read
    where stg_raw__source_aliases.source_uri not in (select read_uris.source_uri from read_uris)
    qualify
        row_number() over (
            partition by stg_raw__source_aliases.source_uri order by read_sources.document_id
        ) = 1

),

sources as (

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
        true as was_read

    from read_sources

    union all

    select
        *,
        false as was_read

    from aliases

)

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
    source_document_id = document_id as is_canonical,
    was_read

from sources
