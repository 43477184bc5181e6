{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='document_id',
        on_schema_change='append_new_columns'
    )
}}

{#- Incremental by document: the loader replaces all of a document's rows and stamps its
    loaded_at, so only documents loaded since the last build are computed again (delete+insert
    on document_id); their frames, sentences and date lines are read for those documents only. -#}

with

documents as (

    select * from {{ ref('stg_raw__documents') }}

    {% if is_incremental() %}
        where loaded_at >= (select coalesce(max(loaded_at), '1900-01-01') from {{ this }})
    {% endif %}

),

frames as (

    select * from {{ ref('stg_raw__frames') }}
    where document_id in (select documents.document_id from documents)

),

sentences as (

    select * from {{ ref('stg_raw__sentences') }}
    where document_id in (select documents.document_id from documents)

),

frame_counts as (

    select
        document_id,
        count(*) as n_frames,
        count(*) filter (where frame_type = 'casualty_event') as n_casualty_events,
        count(*) filter (where frame_type = 'casualty_tally') as n_casualty_tallies,
        count(*) filter (where frame_type = 'aid_flow') as n_aid_flows,
        count(*) filter (where frame_type = 'ceasefire_agreement') as n_ceasefire_agreements,
        count(*) filter (where frame_type = 'ceasefire_violation') as n_ceasefire_violations

    from frames
    group by document_id

),

datelines as (

    -- The report's own date line as the NLP read it ("Reuters Monday 31 Oct 2016"): the date the
    -- article was filed, which relative dates in the text count from.
    select
        document_id,
        try_cast(arg_min(kb_id, entity_start_char) as date) as dateline_date,
        arg_min(entity_text, entity_start_char) as dateline_text

    from {{ ref('stg_raw__entities') }}
    where
        entity_label = 'DATELINE'
        and document_id in (select documents.document_id from documents)
    group by document_id

),

sentence_counts as (

    select
        document_id,
        count(*) as n_sentences

    from sentences
    group by document_id

)

select
    documents.document_id,
    documents.source_uri,
    documents.title,
    documents.published_date,
    datelines.dateline_date,
    datelines.dateline_text,
    coalesce(datelines.dateline_date, documents.published_date) as report_date,
    datelines.dateline_date - documents.published_date as date_conflict_days,
    documents.source_name,
    documents.source_url as url,
    documents.language,
    documents.word_count,
    documents.document_text as text,
    documents.source_kind,
    documents.published_date_source,
    documents.extractor,
    documents.content_hash,
    documents.pipeline_version,
    coalesce(sentence_counts.n_sentences, 0) as n_sentences,
    coalesce(frame_counts.n_frames, 0) as n_frames,
    coalesce(frame_counts.n_casualty_events, 0) as n_casualty_events,
    coalesce(frame_counts.n_casualty_tallies, 0) as n_casualty_tallies,
    coalesce(frame_counts.n_aid_flows, 0) as n_aid_flows,
    coalesce(frame_counts.n_ceasefire_agreements, 0) as n_ceasefire_agreements,
    coalesce(frame_counts.n_ceasefire_violations, 0) as n_ceasefire_violations,
    documents.loaded_at

from documents
left join frame_counts
    on documents.document_id = frame_counts.document_id
left join sentence_counts
    on documents.document_id = sentence_counts.document_id
left join datelines
    on documents.document_id = datelines.document_id
