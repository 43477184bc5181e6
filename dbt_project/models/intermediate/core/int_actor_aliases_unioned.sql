with

actors as (

    select * from {{ ref('actors') }}

),

names as (

    select
        actor_id,
        unnest(
            list_distinct(list_concat([name, actor_id], coalesce(string_split(patterns, '|'), [])))
        ) as alias

    from actors

),

keyed as (

    select distinct
        names.actor_id,
        {{ name_key('names.alias') }} as alias_key

    from names

)

select
    actors.actor_id,
    keyed.alias_key,
    actors.name as actor_name,
    actors.actor_type

from keyed
inner join actors
    on keyed.actor_id = actors.actor_id
where keyed.alias_key is not null
-- One actor per alias: a surface form two actors share resolves to neither's ambiguity but
-- deterministically to the first actor_id.
qualify row_number() over (partition by keyed.alias_key order by actors.actor_id) = 1
