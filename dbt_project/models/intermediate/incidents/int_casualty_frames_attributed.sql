with

frames as (

    select * from {{ ref('int_frames_dated') }}
    where frame_type in ('casualty_event', 'casualty_tally')

),

actors as (

    select * from {{ ref('actors') }}

),

actor_aliases as (

    select * from {{ ref('int_actor_aliases_unioned') }}

),

candidate_ids as (

    -- The NLP's list of perpetrators when it gives one, else its single id, else the mention.
    select
        frame_id,
        perpetrator_mention,
        case
            when len({{ attr_list('perpetrator_actor_ids') }}) > 0
                then {{ attr_list('perpetrator_actor_ids') }}
            when perpetrator_actor_id is not null then [perpetrator_actor_id]
            else []
        end as actor_ids

    from frames

),

listed as (

    select
        candidate_ids.frame_id,
        unnest(candidate_ids.actor_ids) as actor_id,
        unnest(generate_series(1, len(candidate_ids.actor_ids))) as actor_position

    from candidate_ids

),

from_mention as (

    select
        candidate_ids.frame_id,
        actor_aliases.actor_id,
        1 as actor_position

    from candidate_ids
    inner join actor_aliases
        on {{ name_key('candidate_ids.perpetrator_mention') }} = actor_aliases.alias_key
    where len(candidate_ids.actor_ids) = 0

),

normalised as (

    select
        all_ids.frame_id,
        actors.actor_id,
        actors.name as actor_name,
        all_ids.actor_position

    from (
        select * from listed
        union all
        select * from from_mention
    ) as all_ids
    inner join actors
        on all_ids.actor_id = actors.actor_id
    qualify row_number() over (partition by all_ids.frame_id, actors.actor_id order by all_ids.actor_position) = 1

),

aggregated as (

    select
        frame_id,
        string_agg(actor_name, ' and ' order by actor_position) as perpetrator,
        arg_min(actor_id, actor_position) as perpetrator_actor_id,
        list(actor_id order by actor_position) as perpetrator_actor_ids

    from normalised
    group by frame_id

)

select
    frames.frame_id,
    frames.perpetrator_mention,
    coalesce(aggregated.perpetrator, frames.perpetrator_mention) as perpetrator,
    aggregated.perpetrator_actor_id,
    coalesce(aggregated.perpetrator_actor_ids, []) as perpetrator_actor_ids

from frames
left join aggregated
    on frames.frame_id = aggregated.frame_id
