{{ config(materialized='table') }}

{#- The same agreement mentioned in several places (or articles) gets one agreement_id. Two
    mentions are the same agreement when their start dates agree at the coarser of the two
    precisions (same day; same month if either gives only a month; same year if either gives
    only a year) and their parties agree (same set, or one mention names none). Undated mentions
    match only by name and only within one document: without a date, two articles' "the ceasefire
    brokered by Russia" need not be one agreement. (Within a document the NLP has already made
    one record of the mentions that do not contradict each other.) Each mention takes the id of the mention it attaches to
    (see pairs), followed one step further so that chains (month-level A ~ day-level B ~ C)
    settle on one id. -#}

with

mentions as (

    select
        *,
        row_number() over (
            order by published_date nulls last, document_id, frame_index, agreement_mention_id
        ) as mention_order

    from {{ ref('int_ceasefire_agreements_parsed') }}

),

pairs as (

    -- A mention that names parties joins the first earlier mention with the same parties; one
    -- that names none joins the first mention (earlier or later) that names some, else the
    -- first earlier one that names none. So a party-less mention never bridges two
    -- agreements with different parties.
    select
        mention.agreement_mention_id,
        anchor.agreement_mention_id as anchor_mention_id,
        [
            case when mention.parties_key = '' and anchor.parties_key <> '' then 0 else 1 end,
            anchor.mention_order
        ] as anchor_preference

    from mentions as mention
    inner join mentions as anchor
        on
            mention.agreement_mention_id = anchor.agreement_mention_id
            or (
                (
                    (mention.parties_key <> '' and mention.parties_key = anchor.parties_key)
                    or mention.parties_key = ''
                )
                and (
                    mention.mention_order >= anchor.mention_order
                    or (mention.parties_key = '' and anchor.parties_key <> '')
                )
                and (
                    (
                        mention.start_date is not null
                        and anchor.start_date is not null
                        and case
                            when 'year' in (mention.date_precision, anchor.date_precision)
                                then year(mention.start_date) = year(anchor.start_date)
                            when 'month' in (mention.date_precision, anchor.date_precision)
                                then date_trunc('month', mention.start_date) = date_trunc('month', anchor.start_date)
                            else mention.start_date = anchor.start_date
                        end
                    )
                    or (
                        (mention.start_date is null or anchor.start_date is null)
                        and mention.name_key = anchor.name_key
                        and mention.document_id = anchor.document_id
                    )
                )
            )

),

first_anchor as (

    select
        agreement_mention_id,
        arg_min(anchor_mention_id, anchor_preference) as anchor_mention_id

    from pairs
    group by agreement_mention_id

)

select
    mentions.*,
    anchors_anchor.anchor_mention_id as agreement_id

from mentions
inner join first_anchor
    on mentions.agreement_mention_id = first_anchor.agreement_mention_id
inner join first_anchor as anchors_anchor
    on first_anchor.anchor_mention_id = anchors_anchor.agreement_mention_id
