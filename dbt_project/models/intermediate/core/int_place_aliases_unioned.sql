with

places as (

    select * from {{ ref('places') }}

),

names as (

    select
        location_id,
        unnest(list_distinct(list_prepend(name, coalesce(string_split(aliases, '|'), [])))) as alias

    from places

),

keyed as (

    select distinct
        names.location_id,
        {{ name_key('names.alias') }} as alias_key

    from names

)

select
    places.location_id,
    keyed.alias_key,
    places.name as location_name,
    places.kind as location_kind,
    coalesce(places.admin1, case when places.kind = 'admin1' then places.name end) as admin1,
    coalesce(places.admin2, case when places.kind = 'admin2' then places.name end) as admin2,
    places.latitude,
    places.longitude

from keyed
inner join places
    on keyed.location_id = places.location_id
where keyed.alias_key is not null
