"""Asset service: draw, edit/delete own only, +1 once, merge, subtypes, photos."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from workshop.assets import photos
from workshop.assets.classes import subtypes_for
from workshop.assets.features import (
    asset_stats,
    assets_by_class,
    assets_of,
    counts_by_class,
    feature_collection,
)
from workshop.assets.models import Asset, AssetContributor, AssetSupport
from workshop.assets.service import (
    AssetFields,
    add_asset,
    delete_asset,
    merge_assets,
    support_asset,
    update_asset,
)
from workshop.errors import Conflict, Forbidden, Invalid, NotFound

from ..factories import demo_centre, make_participant, make_workshop


def _fields(**overrides) -> AssetFields:  # type: ignore[no-untyped-def]
    lon, lat = demo_centre()
    values = {
        "asset_class": "ecological",
        "subtype": "old_tree",
        "name": "黄葛古树",
        "description": "三百年",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }
    values.update(overrides)
    return AssetFields(**values)


def _square(r: float = 0.0003) -> dict:
    lon, lat = demo_centre()
    ring = [[lon - r, lat - r], [lon + r, lat - r], [lon + r, lat + r], [lon - r, lat + r]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@pytest.fixture
def meeting(db):  # type: ignore[no-untyped-def]
    workshop = make_workshop(db, stage="mapping")
    a, b, c = (make_participant(db, workshop) for _ in range(3))
    return workshop, a, b, c


def test_draws_point_line_and_polygon_with_subtype(db, meeting):
    workshop, a, _b, _c = meeting
    lon, lat = demo_centre()
    line = {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.0005, lat + 0.0002]]}
    saved = [
        add_asset(db=db, workshop=workshop, participant=a, fields=_fields()),
        add_asset(
            db=db,
            workshop=workshop,
            participant=a,
            fields=_fields(
                asset_class="cultural", subtype="memory_place", name="石梯坎", geometry=line
            ),
        ),
        add_asset(
            db=db,
            workshop=workshop,
            participant=a,
            fields=_fields(
                asset_class="social", subtype="venue", name="坝坝", geometry=json_text(_square())
            ),
        ),
    ]
    assert [s.asset.geometry["type"] for s in saved] == ["Point", "LineString", "Polygon"]
    assert [s.asset.subtype for s in saved] == ["old_tree", "memory_place", "venue"]
    assert counts_by_class(db=db, workshop=workshop) == {
        "ecological": 1,
        "cultural": 1,
        "social": 1,
        "human": 0,
    }


def json_text(geometry: dict) -> str:
    import json

    return json.dumps(geometry)


def test_repaired_polygon_is_saved_and_said(db, meeting):
    workshop, a, _b, _c = meeting
    lon, lat = demo_centre()
    r = 0.0003
    spike = [
        [lon - r, lat - r],
        [lon + r, lat - r],
        [lon + r, lat + r],
        [lon + r, lat + 2 * r],
        [lon + r, lat + r],
        [lon - r, lat + r],
        [lon - r, lat - r],
    ]
    saved = add_asset(
        db=db,
        workshop=workshop,
        participant=a,
        fields=_fields(geometry={"type": "Polygon", "coordinates": [spike]}),
    )
    assert saved.repaired
    assert saved.asset.geometry["type"] == "Polygon"
    assert len(saved.asset.geometry["coordinates"][0]) == 5


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"subtype": "festival"}, "asset.unknown_subtype"),  # a cultural subtype
        ({"asset_class": "magic"}, "asset.unknown_class"),
        ({"name": " "}, "asset.name_required"),
        ({"geometry": None}, "geo.point_missing"),
        ({"geometry": {"type": "MultiPoint", "coordinates": []}}, "geo.wrong_type"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_stored(db, meeting, overrides, key):
    workshop, a, _b, _c = meeting
    with pytest.raises(Invalid) as err:
        add_asset(db=db, workshop=workshop, participant=a, fields=_fields(**overrides))
    assert err.value.key == key
    assert db.scalar(select(func.count()).select_from(Asset)) == 0


def test_community_sets_its_own_subtypes(db):
    workshop = make_workshop(db, stage="mapping")
    workshop.community.asset_subtypes = {"ecological": ["黄葛树", "防空洞"], "human": "not a list"}
    subtypes = subtypes_for(workshop.community)
    assert subtypes["ecological"] == ["黄葛树", "防空洞"]
    assert subtypes["human"] == ["handicraft", "professional_skill", "time_and_care"]
    participant = make_participant(db, workshop)
    saved = add_asset(
        db=db, workshop=workshop, participant=participant, fields=_fields(subtype="防空洞")
    )
    assert saved.asset.subtype == "防空洞"
    with pytest.raises(Invalid, match="asset.unknown_subtype"):
        add_asset(
            db=db, workshop=workshop, participant=participant, fields=_fields(subtype="old_tree")
        )


def test_edit_own_asset_only_and_bad_edit_keeps_what_was_saved(db, meeting):
    workshop, a, b, _c = meeting
    asset = add_asset(db=db, workshop=workshop, participant=a, fields=_fields()).asset
    with pytest.raises(Forbidden, match="asset.not_yours"):
        update_asset(
            db=db,
            workshop=workshop,
            participant=b,
            asset_id=asset.id,
            fields=AssetFields(name="改名"),
        )
    lon, lat = demo_centre()
    with pytest.raises(Invalid, match="geo.outside_boundary"):
        update_asset(
            db=db,
            workshop=workshop,
            participant=a,
            asset_id=asset.id,
            fields=AssetFields(
                name="改名", geometry={"type": "Point", "coordinates": [lon, lat + 0.02]}
            ),
        )
    db.refresh(asset)
    assert asset.name == "黄葛古树"
    assert asset.geometry == {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
    saved = update_asset(
        db=db,
        workshop=workshop,
        participant=a,
        asset_id=asset.id,
        fields=AssetFields(name="黄葛树", subtype="", geometry=_square()),
    )
    assert (saved.asset.name, saved.asset.subtype, saved.asset.description) == (
        "黄葛树",
        "",
        "三百年",
    )
    assert saved.asset.geometry["type"] == "Polygon"


def test_delete_own_asset_only(db, meeting):
    workshop, a, b, _c = meeting
    asset = add_asset(db=db, workshop=workshop, participant=a, fields=_fields()).asset
    support_asset(db=db, workshop=workshop, participant=b, asset_id=asset.id)
    with pytest.raises(Forbidden):
        delete_asset(db=db, workshop=workshop, participant=b, asset_id=asset.id)
    delete_asset(db=db, workshop=workshop, participant=a, asset_id=asset.id)
    assert assets_of(db=db, workshop=workshop) == []
    assert db.scalar(select(func.count()).select_from(AssetSupport)) == 0
    with pytest.raises(NotFound):
        delete_asset(db=db, workshop=workshop, participant=a, asset_id=asset.id)


def test_plus_one_once_per_participant_never_on_own(db, meeting):
    workshop, a, b, c = meeting
    asset = add_asset(db=db, workshop=workshop, participant=a, fields=_fields()).asset
    assert support_asset(db=db, workshop=workshop, participant=b, asset_id=asset.id) == 1
    with pytest.raises(Conflict, match="asset.already_supported"):
        support_asset(db=db, workshop=workshop, participant=b, asset_id=asset.id)
    with pytest.raises(Conflict, match="asset.own_support"):
        support_asset(db=db, workshop=workshop, participant=a, asset_id=asset.id)
    assert support_asset(db=db, workshop=workshop, participant=c, asset_id=asset.id) == 2
    stats = asset_stats(db=db, workshop=workshop, viewer=b)
    props = feature_collection([asset], stats=stats, viewer=b)["features"][0]["properties"]
    assert (props["supports"], props["contributors"], props["own"], props["supported"]) == (
        2,
        1,
        False,
        True,
    )


def test_plus_one_unique_in_the_database(db, meeting):
    workshop, a, b, _c = meeting
    asset = add_asset(db=db, workshop=workshop, participant=a, fields=_fields()).asset
    db.add(AssetSupport(asset_id=asset.id, participant_id=b.id))
    db.flush()
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(AssetSupport(asset_id=asset.id, participant_id=b.id))
        db.flush()


def test_merge_keeps_both_contributors_and_the_union_of_plus_ones(db, meeting):
    workshop, a, b, c = meeting
    d = make_participant(db, workshop)
    keep = add_asset(db=db, workshop=workshop, participant=a, fields=_fields()).asset
    other = add_asset(db=db, workshop=workshop, participant=b, fields=_fields(name="黄桷树")).asset
    support_asset(db=db, workshop=workshop, participant=c, asset_id=keep.id)
    support_asset(db=db, workshop=workshop, participant=c, asset_id=other.id)  # same person on both
    support_asset(db=db, workshop=workshop, participant=d, asset_id=other.id)
    support_asset(db=db, workshop=workshop, participant=a, asset_id=other.id)  # keep's own author
    merge_assets(db=db, workshop=workshop, keep_id=keep.id, other_id=other.id)

    assert [x.id for x in assets_of(db=db, workshop=workshop)] == [keep.id]
    assert db.get(Asset, other.id).merged_into_id == keep.id  # kept for the record
    supporters = set(
        db.scalars(select(AssetSupport.participant_id).where(AssetSupport.asset_id == keep.id))
    )
    assert supporters == {c.id, d.id}
    contributors = set(
        db.scalars(
            select(AssetContributor.participant_id).where(AssetContributor.asset_id == keep.id)
        )
    )
    assert contributors == {b.id}
    row = assets_by_class(db=db, workshop=workshop)["ecological"][0]
    assert (row.asset.id, row.contributors, row.supports) == (keep.id, 2, 2)
    assert counts_by_class(db=db, workshop=workshop)["ecological"] == 1
    # b, now a contributor, cannot +1 the kept asset; the merged one is gone from use
    with pytest.raises(Conflict, match="asset.own_support"):
        support_asset(db=db, workshop=workshop, participant=b, asset_id=keep.id)
    with pytest.raises(NotFound):
        support_asset(db=db, workshop=workshop, participant=d, asset_id=other.id)
    with pytest.raises(Conflict, match="asset.merged_locked"):
        delete_asset(db=db, workshop=workshop, participant=a, asset_id=keep.id)


def test_merge_refuses_same_or_foreign_or_merged_assets(db, meeting):
    workshop, a, b, _c = meeting
    keep = add_asset(db=db, workshop=workshop, participant=a, fields=_fields()).asset
    other = add_asset(db=db, workshop=workshop, participant=b, fields=_fields()).asset
    elsewhere = make_workshop(db, stage="mapping")
    foreign = add_asset(db=db, workshop=elsewhere, participant=None, fields=_fields()).asset
    with pytest.raises(Invalid, match="asset.merge_same"):
        merge_assets(db=db, workshop=workshop, keep_id=keep.id, other_id=keep.id)
    with pytest.raises(NotFound):
        merge_assets(db=db, workshop=workshop, keep_id=keep.id, other_id=foreign.id)
    merge_assets(db=db, workshop=workshop, keep_id=keep.id, other_id=other.id)
    with pytest.raises(NotFound):
        merge_assets(db=db, workshop=workshop, keep_id=other.id, other_id=keep.id)


def _jpeg_with_exif(size: tuple[int, int] = (3000, 2000)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° when shown
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_photo_is_reencoded_bounded_and_stripped_of_exif(db, meeting, tmp_path):
    workshop, a, _b, _c = meeting
    saved = add_asset(
        db=db,
        workshop=workshop,
        participant=a,
        fields=_fields(photo=_jpeg_with_exif(), photo_consent=True),
        photos_dir=tmp_path,
    )
    name = saved.asset.photo
    assert name and name.endswith(".jpg") and "黄葛" not in name
    stored = Image.open(tmp_path / name)
    assert stored.format == "JPEG"
    assert max(stored.size) == photos.MAX_SIDE
    assert stored.size == (1067, 1600)  # orientation applied, then bounded
    assert not stored.getexif()


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"%PDF-1.4 not an image", "photo.not_image"),
        (b"\xff\xd8\xff" + b"0" * 100, "photo.not_image"),
        (b"0" * (photos.MAX_BYTES + 1), "photo.too_big"),
    ],
)
def test_bad_photo_is_refused_and_nothing_is_stored(db, meeting, tmp_path, data, key):
    workshop, a, _b, _c = meeting
    with pytest.raises(Invalid) as err:
        add_asset(
            db=db,
            workshop=workshop,
            participant=a,
            fields=_fields(photo=data, photo_consent=True),
            photos_dir=tmp_path,
        )
    assert err.value.key == key
    assert db.scalar(select(func.count()).select_from(Asset)) == 0
    assert not any(tmp_path.glob("*.jpg"))


def test_photo_path_never_follows_a_name_we_did_not_make(tmp_path):
    (tmp_path / "secret.key").write_text("x")
    assert photos.path_of(tmp_path, "../secret.key") is None
    assert photos.path_of(tmp_path, "secret.key") is None


@pytest.mark.parametrize(
    ("name", "description", "refused"),
    [
        ("修自行车", "社区活动室，周三上午", False),
        ("教书法", "3号楼下的坝子", False),
        ("剪纸", "2026-12-01 起每周三，服务 100 户", False),
        ("修电器", "5栋2单元501室", True),
        ("缝补", "找我：3-2-501", True),
    ],
)
def test_human_asset_never_records_a_home_address(db, meeting, name, description, refused):
    workshop, a, _b, _c = meeting
    fields = _fields(asset_class="human", subtype="handicraft", name=name, description=description)
    if refused:
        with pytest.raises(Invalid, match="asset.human_address"):
            add_asset(db=db, workshop=workshop, participant=a, fields=fields)
        assert assets_of(db=db, workshop=workshop) == []
    else:
        assert (
            add_asset(db=db, workshop=workshop, participant=a, fields=fields).asset.description
            == description
        )


def test_no_photo_is_stored_without_the_residents_confirmation(db, meeting, tmp_path):
    workshop, a, _b, _c = meeting
    with pytest.raises(Invalid) as err:
        add_asset(
            db=db,
            workshop=workshop,
            participant=a,
            fields=_fields(photo=_jpeg_with_exif()),
            photos_dir=tmp_path,
        )
    assert err.value.key == "photo.consent_required"
    assert db.scalar(select(func.count()).select_from(Asset)) == 0
    assert not any(tmp_path.glob("*.jpg"))


def test_a_pin_is_checked_against_the_boundary_as_it_is_now(db, meeting):
    """The parsed boundary is reused from pin to pin, and never outlives an edit: after
    the community moves away, the same pin is refused; moved back, it is accepted."""
    workshop, a, _, _ = meeting
    community = workshop.community
    assert add_asset(db=db, workshop=workshop, participant=a, fields=_fields()).asset.id
    inside = community.boundary

    def shifted(boundary: dict, dx: float) -> dict:
        rings = [[[x + dx, y] for x, y in ring] for ring in boundary["coordinates"]]
        return {"type": "Polygon", "coordinates": rings}

    community.boundary = shifted(inside, 0.05)  # ~5 km east, as bob once tried
    db.flush()
    with pytest.raises(Invalid) as refused:
        add_asset(db=db, workshop=workshop, participant=a, fields=_fields(name="又一棵"))
    assert refused.value.key.startswith("geo.")
    community.boundary = inside
    db.flush()
    assert add_asset(db=db, workshop=workshop, participant=a, fields=_fields(name="又一棵"))
