use super::*;
use std::collections::BTreeSet;

/// Builds a closed ring from corners given as (lon, lat).
fn ring(corners: &[(f64, f64)]) -> Vec<[f64; 2]> {
    let mut ring: Vec<[f64; 2]> = corners.iter().map(|&(lon, lat)| [lon, lat]).collect();
    ring.push(ring[0]);
    ring
}

/// Longitude 30..31, latitude 50..51 (around Kyiv).
fn square() -> Area {
    Area::new(vec![vec![ring(&[(30.0, 50.0), (31.0, 50.0), (31.0, 51.0), (30.0, 51.0)])]]).unwrap()
}

/// An L: the square 0..2 × 0..2 minus its top-right quarter.
fn l_shape() -> Area {
    Area::new(vec![vec![ring(&[(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (1.0, 2.0), (0.0, 2.0)])]]).unwrap()
}

/// The square 0..10 × 0..10 with a hole 4..6 × 4..6.
fn square_with_hole() -> Area {
    Area::new(vec![vec![
        ring(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]),
        ring(&[(4.0, 4.0), (4.0, 6.0), (6.0, 6.0), (6.0, 4.0)]),
    ]])
    .unwrap()
}

fn square_at(lon: f64, lat: f64, size: f64) -> Area {
    Area::new(vec![vec![ring(&[(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size)])]]).unwrap()
}

fn geojson_error(value: Value) -> String {
    Area::from_geojson(&value).unwrap_err().to_string()
}

// --- organisations -----------------------------------------------------

#[test]
fn an_enterprise_with_just_under_half_community_share_is_outside_c03() {
    assert!(!in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(49.99)));
}

#[test]
fn an_enterprise_with_exactly_half_community_share_is_inside_c03() {
    assert!(in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(50.0)));
}

#[test]
fn a_wholly_community_owned_enterprise_is_inside_c03() {
    assert!(in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(100.0)));
}

#[test]
fn an_enterprise_with_unknown_share_is_outside_c03() {
    assert!(!in_c03_scope(OrganisationKind::MunicipalEnterprise, None));
}

#[test]
fn non_enterprises_are_outside_c03_whatever_the_share() {
    for kind in [
        OrganisationKind::Council,
        OrganisationKind::ExecutiveBody,
        OrganisationKind::Department,
        OrganisationKind::Other,
    ] {
        assert!(!in_c03_scope(kind, Some(100.0)), "{kind:?}");
    }
}

#[test]
fn an_invalid_share_never_puts_an_enterprise_in_c03() {
    assert!(!in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(150.0)));
    assert!(!in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(f64::NAN)));
}

#[test]
fn an_organisation_answers_c03_from_its_own_kind_and_share() {
    let enterprise = Organisation {
        id: OrganisationId(4),
        name: "KP Kyivteploenergo".to_string(),
        kind: OrganisationKind::MunicipalEnterprise,
        parent: Some(OrganisationId(2)),
        community_share_percent: Some(100.0),
        active: true,
    };
    assert!(enterprise.in_c03_scope());
    assert_eq!(enterprise.validate(), Ok(()));
}

#[test]
fn shares_from_zero_to_one_hundred_are_valid() {
    assert_eq!(validate_community_share(0.0), Ok(0.0));
    assert_eq!(validate_community_share(50.5), Ok(50.5));
    assert_eq!(validate_community_share(100.0), Ok(100.0));
}

#[test]
fn a_share_above_one_hundred_is_rejected_with_the_allowed_range() {
    let error = validate_community_share(120.0).unwrap_err();
    assert_eq!(error, ShareError::OutOfRange { value: 120.0 });
    assert_eq!(error.to_string(), "the community share must be a percentage from 0 to 100, but 120 was given");
}

#[test]
fn a_negative_or_non_numeric_share_is_rejected() {
    assert_eq!(validate_community_share(-1.0), Err(ShareError::OutOfRange { value: -1.0 }));
    assert_eq!(validate_community_share(f64::INFINITY), Err(ShareError::NotFinite));
}

#[test]
fn an_organisation_with_an_impossible_share_fails_validation() {
    let org = Organisation {
        id: OrganisationId(1),
        name: "KP".to_string(),
        kind: OrganisationKind::MunicipalEnterprise,
        parent: None,
        community_share_percent: Some(101.0),
        active: true,
    };
    assert_eq!(org.validate(), Err(ShareError::OutOfRange { value: 101.0 }));
}

#[test]
fn organisation_kinds_serialise_in_snake_case() {
    assert_eq!(serde_json::to_value(OrganisationKind::MunicipalEnterprise).unwrap(), json!("municipal_enterprise"));
    assert_eq!(serde_json::to_value(OrganisationKind::ExecutiveBody).unwrap(), json!("executive_body"));
}

#[test]
fn ids_display_and_serialise_as_bare_numbers() {
    assert_eq!(OrganisationId(42).to_string(), "42");
    assert_eq!(serde_json::to_value(DistrictId(7)).unwrap(), json!(7));
    assert_eq!(serde_json::from_value::<CategoryId>(json!(3)).unwrap(), CategoryId(3));
}

// --- categories ----------------------------------------------------------

#[test]
fn urgency_classes_serialise_with_a_snake_case_class_tag() {
    assert_eq!(
        serde_json::to_value(UrgencyClass::Emergency { hours: 24 }).unwrap(),
        json!({"class": "emergency", "hours": 24})
    );
    assert_eq!(serde_json::to_value(UrgencyClass::Normal).unwrap(), json!({"class": "normal"}));
    assert_eq!(serde_json::from_value::<UrgencyClass>(json!({"class": "complex"})).unwrap(), UrgencyClass::Complex);
}

#[test]
fn the_first_override_for_a_district_is_the_one_used() {
    let rules = RoutingRules {
        default_executor: OrganisationId(1),
        district_overrides: vec![(DistrictId(3), OrganisationId(30)), (DistrictId(3), OrganisationId(31))],
    };
    assert_eq!(rules.override_for(DistrictId(3)), Some(OrganisationId(30)));
    assert_eq!(rules.override_for(DistrictId(4)), None);
}

#[test]
fn a_district_listed_twice_in_overrides_fails_validation() {
    let rules = RoutingRules {
        default_executor: OrganisationId(1),
        district_overrides: vec![
            (DistrictId(3), OrganisationId(30)),
            (DistrictId(4), OrganisationId(40)),
            (DistrictId(3), OrganisationId(31)),
        ],
    };
    let error = rules.validate().unwrap_err();
    assert_eq!(error, RoutingRulesError::DuplicateDistrict { district: DistrictId(3) });
    assert_eq!(error.to_string(), "district 3 has more than one executor override; keep only one");
}

#[test]
fn rules_with_distinct_districts_pass_validation() {
    let rules = RoutingRules {
        default_executor: OrganisationId(1),
        district_overrides: vec![(DistrictId(3), OrganisationId(30)), (DistrictId(4), OrganisationId(30))],
    };
    assert_eq!(rules.validate(), Ok(()));
}

// --- areas: containment ----------------------------------------------------

#[test]
fn a_point_in_the_middle_of_a_square_is_inside() {
    assert!(square().contains(50.5, 30.5));
}

#[test]
fn points_beyond_each_side_of_a_square_are_outside() {
    let area = square();
    assert!(!area.contains(49.9, 30.5));
    assert!(!area.contains(51.1, 30.5));
    assert!(!area.contains(50.5, 29.9));
    assert!(!area.contains(50.5, 31.1));
}

#[test]
fn contains_takes_latitude_first_although_geojson_stores_longitude_first() {
    let area = square_at(30.0, 50.0, 1.0);
    assert!(area.contains(50.5, 30.5));
    assert!(!area.contains(30.5, 50.5));
}

#[test]
fn a_point_on_an_edge_counts_as_inside() {
    assert!(square().contains(50.0, 30.5));
    assert!(square().contains(50.5, 31.0));
}

#[test]
fn a_point_on_a_vertex_counts_as_inside() {
    assert!(square().contains(50.0, 30.0));
    assert!(square().contains(51.0, 31.0));
}

#[test]
fn a_point_on_a_slanted_edge_counts_as_inside_despite_rounding() {
    // Triangle with hypotenuse from (0.1, 0.1) to (0.7, 0.3).
    let triangle = Area::new(vec![vec![ring(&[(0.1, 0.1), (0.7, 0.3), (0.1, 0.3)])]]).unwrap();
    // Midpoint of the hypotenuse: lon 0.4, lat 0.2.
    assert!(triangle.contains(0.2, 0.4));
    // Just below the hypotenuse, on the outside.
    assert!(!triangle.contains(0.19, 0.4));
}

#[test]
fn the_inner_corner_of_an_l_shape_is_outside() {
    let area = l_shape();
    assert!(!area.contains(1.5, 1.5));
}

#[test]
fn both_arms_of_an_l_shape_are_inside() {
    let area = l_shape();
    assert!(area.contains(0.5, 1.5));
    assert!(area.contains(1.5, 0.5));
    assert!(area.contains(0.5, 0.5));
}

#[test]
fn a_point_level_with_the_concave_corner_is_classified_correctly() {
    // The ray from these points runs along the edge through (1,1)-(2,1).
    let area = l_shape();
    assert!(area.contains(1.0, 0.5));
    assert!(!area.contains(1.0, 2.5));
    // Level with the top of the upper arm.
    assert!(!area.contains(2.0, -0.5));
}

#[test]
fn the_reflex_vertex_of_an_l_shape_is_on_the_boundary() {
    assert!(l_shape().contains(1.0, 1.0));
}

#[test]
fn a_point_in_a_hole_is_outside() {
    assert!(!square_with_hole().contains(5.0, 5.0));
}

#[test]
fn a_point_between_the_hole_and_the_outer_ring_is_inside() {
    assert!(square_with_hole().contains(2.0, 2.0));
    assert!(square_with_hole().contains(5.0, 8.0));
}

#[test]
fn a_point_on_the_edge_of_a_hole_counts_as_inside() {
    assert!(square_with_hole().contains(4.0, 5.0));
    assert!(square_with_hole().contains(6.0, 6.0));
}

#[test]
fn a_multipolygon_contains_points_in_any_of_its_parts_but_not_between() {
    let area = Area::from_geojson(&json!({
        "type": "MultiPolygon",
        "coordinates": [
            [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]],
            [[[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 6.0], [5.0, 5.0]]]
        ]
    }))
    .unwrap();
    assert_eq!(area.polygons().len(), 2);
    assert!(area.contains(0.5, 0.5));
    assert!(area.contains(5.5, 5.5));
    assert!(!area.contains(3.0, 3.0));
}

#[test]
fn non_finite_points_are_never_inside() {
    assert!(!square().contains(f64::NAN, 30.5));
    assert!(!square().contains(50.5, f64::INFINITY));
}

// --- areas: parsing --------------------------------------------------------

#[test]
fn a_polygon_geometry_parses_and_round_trips_through_serde() {
    let geometry = json!({
        "type": "Polygon",
        "coordinates": [[[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 51.0], [30.0, 50.0]]]
    });
    let area = Area::from_geojson(&geometry).unwrap();
    assert_eq!(area, square());
    assert_eq!(area.to_geojson(), geometry);
    let back: Area = serde_json::from_value(serde_json::to_value(&area).unwrap()).unwrap();
    assert_eq!(back, area);
}

#[test]
fn a_single_polygon_multipolygon_stays_a_multipolygon() {
    let geometry = json!({
        "type": "MultiPolygon",
        "coordinates": [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]]
    });
    assert_eq!(Area::from_geojson(&geometry).unwrap().to_geojson(), geometry);
}

#[test]
fn a_feature_wrapping_a_polygon_is_accepted() {
    let feature = json!({
        "type": "Feature",
        "properties": {"name": "Podilskyi"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 51.0], [30.0, 50.0]]]
        }
    });
    assert_eq!(Area::from_geojson(&feature).unwrap(), square());
}

#[test]
fn an_altitude_in_a_position_is_ignored() {
    let area = Area::from_geojson(&json!({
        "type": "Polygon",
        "coordinates": [[[0, 0, 120], [1, 0, 120], [1, 1, 120], [0, 0, 120]]]
    }))
    .unwrap();
    assert_eq!(area.polygons()[0][0], vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]);
}

#[test]
fn invalid_geometry_in_serde_input_is_a_deserialisation_error() {
    let result: Result<District, _> = serde_json::from_value(json!({
        "id": 1,
        "name": "Obolonskyi",
        "area": {"type": "Point", "coordinates": [30.5, 50.5]}
    }));
    assert!(result.unwrap_err().to_string().contains("\"Point\""));
}

#[test]
fn a_non_object_is_rejected() {
    assert_eq!(Area::from_geojson(&json!([1, 2])), Err(AreaError::NotAnObject));
}

#[test]
fn an_object_without_type_is_rejected() {
    assert_eq!(
        geojson_error(json!({"coordinates": []})),
        "the GeoJSON object has no \"type\"; use \"Polygon\" or \"MultiPolygon\""
    );
}

#[test]
fn a_point_or_line_geometry_is_rejected_by_name() {
    assert_eq!(
        geojson_error(json!({"type": "Point", "coordinates": [30.5, 50.5]})),
        "GeoJSON type \"Point\" cannot describe a district; use \"Polygon\" or \"MultiPolygon\""
    );
    assert_eq!(
        Area::from_geojson(&json!({"type": "LineString", "coordinates": []})),
        Err(AreaError::UnsupportedType { found: "LineString".to_string() })
    );
}

#[test]
fn a_feature_with_null_geometry_is_rejected() {
    assert_eq!(
        Area::from_geojson(&json!({"type": "Feature", "geometry": null, "properties": {}})),
        Err(AreaError::FeatureWithoutGeometry)
    );
}

#[test]
fn a_geometry_without_coordinates_is_rejected() {
    assert_eq!(Area::from_geojson(&json!({"type": "Polygon"})), Err(AreaError::MissingCoordinates));
}

#[test]
fn a_ring_that_is_not_an_array_is_named_in_the_error() {
    assert_eq!(
        geojson_error(json!({
            "type": "MultiPolygon",
            "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]], ["not a ring"]]
        })),
        "ring 0 of polygon 1 must be a JSON array"
    );
}

#[test]
fn an_unclosed_ring_is_rejected_with_its_location() {
    assert_eq!(
        geojson_error(json!({
            "type": "MultiPolygon",
            "coordinates": [
                [[[0, 0], [1, 0], [1, 1], [0, 0]]],
                [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5.5]]]
            ]
        })),
        "ring 0 of polygon 1 is not closed: its first and last positions differ"
    );
}

#[test]
fn a_ring_with_fewer_than_four_positions_is_rejected() {
    assert_eq!(
        Area::from_geojson(&json!({
            "type": "Polygon",
            "coordinates": [[[0, 0], [1, 0], [0, 0]]]
        })),
        Err(AreaError::TooFewPositions { polygon: 0, ring: 0, found: 3 })
    );
}

#[test]
fn a_position_with_one_number_or_text_is_rejected() {
    assert_eq!(
        geojson_error(json!({
            "type": "Polygon",
            "coordinates": [[[0, 0], [1], [1, 1], [0, 0]]]
        })),
        "position 1 of ring 0 of polygon 0 must be [longitude, latitude] with two numbers"
    );
    assert_eq!(
        Area::from_geojson(&json!({
            "type": "Polygon",
            "coordinates": [[[0, 0], [1, 0], [1, "1"], [0, 0]]]
        })),
        Err(AreaError::MalformedPosition { polygon: 0, ring: 0, position: 2 })
    );
}

#[test]
fn a_longitude_beyond_180_is_rejected_with_a_hint_about_order() {
    assert_eq!(
        geojson_error(json!({
            "type": "Polygon",
            "coordinates": [[[0, 0], [181, 0], [1, 1], [0, 0]]]
        })),
        "position 1 of ring 0 of polygon 0 has longitude 181, outside -180..180; GeoJSON puts longitude first, check the order"
    );
}

#[test]
fn a_latitude_beyond_90_is_rejected() {
    assert_eq!(
        Area::from_geojson(&json!({
            "type": "Polygon",
            "coordinates": [[[0, 0], [1, 0], [1, 91], [0, 0]]]
        })),
        Err(AreaError::LatitudeOutOfRange { polygon: 0, ring: 0, position: 2, value: 91.0 })
    );
}

#[test]
fn non_finite_coordinates_are_rejected() {
    let result = Area::new(vec![vec![vec![[0.0, 0.0], [f64::NAN, 0.0], [1.0, 1.0], [0.0, 0.0]]]]);
    assert_eq!(result, Err(AreaError::NonFiniteCoordinate { polygon: 0, ring: 0, position: 1 }));
}

#[test]
fn a_polygon_without_rings_and_an_empty_multipolygon_are_rejected() {
    assert_eq!(
        Area::from_geojson(&json!({"type": "Polygon", "coordinates": []})),
        Err(AreaError::NoRings { polygon: 0 })
    );
    assert_eq!(Area::from_geojson(&json!({"type": "MultiPolygon", "coordinates": []})), Err(AreaError::NoPolygons));
}

// --- districts ---------------------------------------------------------------

#[test]
fn the_district_containing_a_point_is_found() {
    let west = square_at(30.0, 50.0, 1.0);
    let east = square_at(31.0, 50.0, 1.0);
    let districts = [(DistrictId(1), &west), (DistrictId(2), &east)];
    assert_eq!(district_for_point(&districts, 50.5, 31.5), Some(DistrictId(2)));
    assert_eq!(district_for_point(&districts, 52.0, 31.5), None);
}

#[test]
fn overlapping_districts_resolve_to_the_first_in_the_given_order() {
    let big = square_at(30.0, 50.0, 2.0);
    let small = square_at(30.5, 50.5, 0.5);
    assert_eq!(district_for_point(&[(DistrictId(1), &big), (DistrictId(2), &small)], 50.7, 30.7), Some(DistrictId(1)));
    assert_eq!(district_for_point(&[(DistrictId(2), &small), (DistrictId(1), &big)], 50.7, 30.7), Some(DistrictId(2)));
}

#[test]
fn a_point_on_a_shared_border_goes_to_the_first_district() {
    let west = square_at(30.0, 50.0, 1.0);
    let east = square_at(31.0, 50.0, 1.0);
    let districts = [(DistrictId(1), &west), (DistrictId(2), &east)];
    assert_eq!(district_for_point(&districts, 50.5, 31.0), Some(DistrictId(1)));
}

#[test]
fn district_areas_skips_districts_without_area_and_sorts_by_id() {
    let districts = vec![
        District { id: DistrictId(9), name: "Darnytskyi".to_string(), area: Some(square_at(31.0, 50.0, 1.0)) },
        District { id: DistrictId(2), name: "Pecherskyi".to_string(), area: None },
        District { id: DistrictId(4), name: "Holosiivskyi".to_string(), area: Some(square_at(30.0, 50.0, 1.0)) },
    ];
    let ids: Vec<DistrictId> = district_areas(&districts).iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, vec![DistrictId(4), DistrictId(9)]);
}

// --- routing -----------------------------------------------------------------

const DEFAULT: OrganisationId = OrganisationId(100);
const WEST_ENTERPRISE: OrganisationId = OrganisationId(201);
const EAST_ENTERPRISE: OrganisationId = OrganisationId(202);

fn rules() -> RoutingRules {
    RoutingRules {
        default_executor: DEFAULT,
        district_overrides: vec![(DistrictId(1), WEST_ENTERPRISE), (DistrictId(2), EAST_ENTERPRISE)],
    }
}

/// District 1 is lon 30..31, district 2 lon 31..32, district 3 lon
/// 32..33 (no override); all lat 50..51.
fn areas() -> Vec<Area> {
    vec![square_at(30.0, 50.0, 1.0), square_at(31.0, 50.0, 1.0), square_at(32.0, 50.0, 1.0)]
}

fn with_ids(areas: &[Area]) -> Vec<(DistrictId, &Area)> {
    areas.iter().enumerate().map(|(i, a)| (DistrictId(i as i64 + 1), a)).collect()
}

fn all_active(_: OrganisationId) -> bool {
    true
}

fn point(lat: f64, lon: f64) -> Option<GeoPoint> {
    Some(GeoPoint { lat, lon })
}

#[test]
fn an_explicit_district_with_an_override_routes_to_the_override() {
    let areas = areas();
    let decision =
        route(&rules(), &Location { district: Some(DistrictId(2)), point: None }, &with_ids(&areas), all_active)
            .unwrap();
    assert_eq!(
        decision,
        RoutingDecision {
            executor: EAST_ENTERPRISE,
            rule: RoutingRule::DistrictOverride { district: DistrictId(2), located_by: LocatedBy::ExplicitDistrict },
            district: Some(DistrictId(2)),
        }
    );
    assert_eq!(
        decision.explain(),
        "Routed to organisation 202 by the override for district 2 (district chosen explicitly)."
    );
}

#[test]
fn a_point_inside_a_district_with_an_override_routes_to_the_override() {
    let areas = areas();
    let decision =
        route(&rules(), &Location { district: None, point: point(50.5, 30.5) }, &with_ids(&areas), all_active).unwrap();
    assert_eq!(decision.executor, WEST_ENTERPRISE);
    assert_eq!(
        decision.rule,
        RoutingRule::DistrictOverride { district: DistrictId(1), located_by: LocatedBy::PointInPolygon }
    );
    assert_eq!(
        decision.explain(),
        "Routed to organisation 201 by the override for district 1 (district found from the reported point)."
    );
}

#[test]
fn an_explicit_district_wins_over_a_point_in_another_district() {
    let areas = areas();
    let decision = route(
        &rules(),
        &Location { district: Some(DistrictId(2)), point: point(50.5, 30.5) },
        &with_ids(&areas),
        all_active,
    )
    .unwrap();
    assert_eq!(decision.executor, EAST_ENTERPRISE);
    assert_eq!(decision.district, Some(DistrictId(2)));
}

#[test]
fn a_point_outside_all_districts_routes_to_the_default() {
    let areas = areas();
    let decision =
        route(&rules(), &Location { district: None, point: point(48.0, 35.0) }, &with_ids(&areas), all_active).unwrap();
    assert_eq!(
        decision,
        RoutingDecision {
            executor: DEFAULT,
            rule: RoutingRule::CategoryDefault { reason: DefaultReason::PointOutsideAllDistricts },
            district: None,
        }
    );
    assert_eq!(
        decision.explain(),
        "Routed to organisation 100, the category default, because the reported point lies outside every district."
    );
}

#[test]
fn no_location_routes_to_the_default() {
    let areas = areas();
    let decision = route(&rules(), &Location::default(), &with_ids(&areas), all_active).unwrap();
    assert_eq!(decision.executor, DEFAULT);
    assert_eq!(decision.rule, RoutingRule::CategoryDefault { reason: DefaultReason::NoLocation });
    assert_eq!(decision.district, None);
    assert_eq!(
        decision.explain(),
        "Routed to organisation 100, the category default, because no district or point was given."
    );
}

#[test]
fn a_district_without_an_override_routes_to_the_default_but_keeps_the_district() {
    let areas = areas();
    let decision =
        route(&rules(), &Location { district: None, point: point(50.5, 32.5) }, &with_ids(&areas), all_active).unwrap();
    assert_eq!(
        decision,
        RoutingDecision {
            executor: DEFAULT,
            rule: RoutingRule::CategoryDefault {
                reason: DefaultReason::NoOverrideForDistrict { located_by: LocatedBy::PointInPolygon }
            },
            district: Some(DistrictId(3)),
        }
    );
    assert_eq!(
        decision.explain(),
        "Routed to organisation 100, the category default, because the category has no override for district 3 (found from the reported point)."
    );
}

#[test]
fn an_inactive_override_executor_falls_back_to_the_default() {
    let areas = areas();
    let active: BTreeSet<OrganisationId> = [DEFAULT, EAST_ENTERPRISE].into();
    let decision = route(&rules(), &Location { district: Some(DistrictId(1)), point: None }, &with_ids(&areas), |id| {
        active.contains(&id)
    })
    .unwrap();
    assert_eq!(
        decision,
        RoutingDecision {
            executor: DEFAULT,
            rule: RoutingRule::CategoryDefault {
                reason: DefaultReason::OverrideExecutorInactive {
                    located_by: LocatedBy::ExplicitDistrict,
                    inactive_executor: WEST_ENTERPRISE,
                }
            },
            district: Some(DistrictId(1)),
        }
    );
    assert_eq!(
        decision.explain(),
        "Routed to organisation 100, the category default, because the override executor for district 1 (chosen explicitly), organisation 201, is inactive."
    );
}

#[test]
fn an_inactive_default_executor_is_an_error_when_no_override_applies() {
    let areas = areas();
    let error = route(&rules(), &Location::default(), &with_ids(&areas), |id| id != DEFAULT).unwrap_err();
    assert_eq!(
        error,
        RoutingError::NoActiveExecutor { default_executor: DEFAULT, district: None, inactive_override: None }
    );
    assert_eq!(
        error.to_string(),
        "no active executor for this category: its default executor, organisation 100, is inactive; reactivate it or set an active default executor for the category"
    );
}

#[test]
fn an_inactive_default_does_not_matter_when_an_active_override_applies() {
    let areas = areas();
    let decision = route(&rules(), &Location { district: Some(DistrictId(1)), point: None }, &with_ids(&areas), |id| {
        id != DEFAULT
    })
    .unwrap();
    assert_eq!(decision.executor, WEST_ENTERPRISE);
}

#[test]
fn inactive_override_and_inactive_default_together_are_an_error_naming_both() {
    let areas = areas();
    let error = route(&rules(), &Location { district: None, point: point(50.5, 31.5) }, &with_ids(&areas), |_| false)
        .unwrap_err();
    assert_eq!(
        error,
        RoutingError::NoActiveExecutor {
            default_executor: DEFAULT,
            district: Some(DistrictId(2)),
            inactive_override: Some(EAST_ENTERPRISE),
        }
    );
    assert_eq!(
        error.to_string(),
        "no active executor for this category: its default executor, organisation 100, is inactive, and so is organisation 202, the override for district 2; reactivate it or set an active default executor for the category"
    );
}

#[test]
fn routing_by_point_is_deterministic_when_districts_overlap() {
    let big = square_at(30.0, 50.0, 2.0);
    let small = square_at(30.5, 50.5, 0.5);
    let sorted = [(DistrictId(1), &big), (DistrictId(2), &small)];
    let location = Location { district: None, point: point(50.7, 30.7) };
    let first = route(&rules(), &location, &sorted, all_active).unwrap();
    for _ in 0..3 {
        assert_eq!(route(&rules(), &location, &sorted, all_active).unwrap(), first);
    }
    assert_eq!(first.executor, WEST_ENTERPRISE);
    assert_eq!(first.district, Some(DistrictId(1)));
}

#[test]
fn a_point_with_an_impossible_latitude_is_rejected() {
    let areas = areas();
    let error = route(&rules(), &Location { district: None, point: point(95.0, 30.5) }, &with_ids(&areas), all_active)
        .unwrap_err();
    assert_eq!(error, RoutingError::InvalidPoint { lat: 95.0, lon: 30.5 });
}

#[test]
fn routing_decisions_serialise_with_rule_and_reason_tags() {
    let decision = RoutingDecision {
        executor: DEFAULT,
        rule: RoutingRule::CategoryDefault {
            reason: DefaultReason::OverrideExecutorInactive {
                located_by: LocatedBy::PointInPolygon,
                inactive_executor: WEST_ENTERPRISE,
            },
        },
        district: Some(DistrictId(1)),
    };
    let value = serde_json::to_value(decision).unwrap();
    assert_eq!(
        value,
        json!({
            "executor": 100,
            "rule": {
                "rule": "category_default",
                "reason": "override_executor_inactive",
                "located_by": "point_in_polygon",
                "inactive_executor": 201
            },
            "district": 1
        })
    );
    assert_eq!(serde_json::from_value::<RoutingDecision>(value).unwrap(), decision);
}
