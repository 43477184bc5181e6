with

frames as (

    select * from {{ ref('int_frames_dated') }}
    where frame_type = 'ceasefire_agreement'

),

actor_names as (

    select * from {{ ref('int_ceasefire_actor_names_normalised') }}

),

actor_lists as (

    select
        frame_id,
        list(actor_name order by actor_name) filter (where actor_role = 'parties') as parties,
        list(actor_name order by actor_name) filter (where actor_role = 'brokers') as brokers,
        min(actor_name) filter (where actor_role = 'announced_by') as announced_by

    from actor_names
    group by frame_id

),

parsed as (

    select
        frames.frame_id as agreement_mention_id,
        frames.document_id,
        frames.frame_index,
        frames.sentence_index,
        frames.published_date,
        {{ attr_text('name', 'frames.attrs') }} as name,
        coalesce(actor_lists.parties, []) as parties,
        coalesce(actor_lists.brokers, []) as brokers,
        actor_lists.announced_by,
        {{ attr_text('area', 'frames.attrs') }} as area,
        frames.event_date as start_date,
        frames.date_precision,
        {{ resolve_event_date(
            attr_text('announced_date.kind', 'frames.attrs'),
            attr_int('announced_date.year', 'frames.attrs'),
            attr_int('announced_date.month', 'frames.attrs'),
            attr_int('announced_date.day', 'frames.attrs'),
            attr_int('announced_date.weekday', 'frames.attrs'),
            attr_int('announced_date.offset_days', 'frames.attrs'),
            'frames.published_date'
        ) }} as announced_date,
        frames.evidence_text,
        frames.evidence_start_char,
        frames.evidence_end_char

    from frames
    left join actor_lists
        on frames.frame_id = actor_lists.frame_id

)

select
    *,
    array_to_string(parties, '|') as parties_key,
    {{ name_key('name') }} as name_key

from parsed
