{#- The actor names ceasefire frames list (parties, brokers, announced_by, violators) are
    surface forms ("Ankara", "the regime"): each becomes the actors seed's canonical name where
    an actor's name or pattern matches, else stays as written. -#}

with

frames as (

    select * from {{ ref('int_frames_dated') }}
    where frame_type in ('ceasefire_agreement', 'ceasefire_violation')

),

actor_aliases as (

    select * from {{ ref('int_actor_aliases_unioned') }}

),

roles as (

    {%- for role in ['parties', 'brokers', 'violators'] %}
        select
            frame_id,
            '{{ role }}' as actor_role,
            unnest({{ attr_list(role) }}) as actor_mention,
            unnest(generate_series(1, len({{ attr_list(role) }}))) as actor_position

        from frames

        union all
    {%- endfor %}

    select
        frame_id,
        'announced_by' as actor_role,
        {{ attr_text('announced_by') }} as actor_mention,
        1 as actor_position

    from frames
    where {{ attr_text('announced_by') }} is not null

),

normalised as (

    select
        roles.frame_id,
        roles.actor_role,
        roles.actor_position,
        trim(roles.actor_mention) as actor_mention,
        actor_aliases.actor_id,
        coalesce(actor_aliases.actor_name, trim(roles.actor_mention)) as actor_name

    from roles
    left join actor_aliases
        on {{ name_key('roles.actor_mention') }} = actor_aliases.alias_key
    where nullif(trim(roles.actor_mention), '') is not null

)

select
    frame_id || ':' || actor_role || ':' || cast(actor_position as varchar) as frame_actor_id,
    *

from normalised
-- The same actor named twice in one role ("Russia and Moscow") counts once.
qualify row_number() over (partition by frame_id, actor_role, actor_name order by actor_position) = 1
