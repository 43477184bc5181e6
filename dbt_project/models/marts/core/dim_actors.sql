with

actors as (

    select * from {{ ref('actors') }}

)

select
    actor_id,
    name,
    actor_type,
    default_role,
    patterns,
    country,
    notes

from actors
