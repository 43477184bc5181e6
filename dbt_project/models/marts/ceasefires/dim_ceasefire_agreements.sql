with

mentions as (

    select * from {{ ref('int_ceasefire_agreements_deduplicated') }}

),

date_precisions as (

    select * from {{ ref('date_precisions') }}

),

ranked as (

    select
        mentions.*,
        coalesce(date_precisions.precision_rank, 99) as precision_rank

    from mentions
    left join date_precisions
        on mentions.date_precision = date_precisions.date_precision

),

aggregated as (

    select
        agreement_id,
        arg_min(name, mention_order) filter (where name is not null) as name,
        -- Mentions of one agreement name the same parties or none: the first that names some.
        arg_min(parties, mention_order) filter (where len(parties) > 0) as parties,
        list_sort(list_distinct(flatten(list(brokers)))) as brokers,
        -- The most precise date any mention gives (a day beats "March 2020").
        arg_min(start_date, [precision_rank, mention_order]) as start_date,
        arg_min(date_precision, [precision_rank, mention_order]) as date_precision,
        arg_min(announced_by, mention_order) filter (where announced_by is not null) as announced_by,
        arg_min(announced_date, mention_order) filter (where announced_date is not null) as announced_date,
        arg_min(area, mention_order) filter (where area is not null) as area,
        arg_min(document_id, mention_order) as first_document_id,
        count(*) as n_mentions,
        count(distinct document_id) as n_documents,
        list_sort(list(distinct document_id)) as document_ids,
        list(agreement_mention_id order by mention_order) as agreement_mention_ids,
        arg_min(evidence_text, mention_order) as evidence_text,
        arg_min(evidence_start_char, mention_order) as evidence_start_char,
        arg_min(evidence_end_char, mention_order) as evidence_end_char

    from ranked
    group by agreement_id

)

select
    agreement_id,
    name,
    coalesce(parties, []) as parties,
    start_date,
    date_precision,
    announced_by,
    announced_date,
    first_document_id,
    brokers,
    area,
    n_mentions,
    n_documents,
    document_ids,
    agreement_mention_ids,
    evidence_text,
    evidence_start_char,
    evidence_end_char

from aggregated
