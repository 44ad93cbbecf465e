"""The `workshop` command: serve, demo, create-planner, backup, migrate."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.config import MAPS_DIR, get_settings
from workshop.db import Database
from workshop.migrate import upgrade
from workshop.templating import lan_address

DEMO_DIR = MAPS_DIR / "demo"
DEMO_USER, DEMO_PASSWORD = "demo", "demo-planner"


def _database() -> Database:
    settings = get_settings()
    url = settings.resolved_database_url()
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    from workshop.bundle import keys

    keys.activate(settings.data_dir)  # signs exported bundles and finalised records
    return Database(url, busy_timeout_ms=settings.sqlite_busy_timeout_ms, pool_size=2)


def cmd_migrate(_args: argparse.Namespace) -> int:
    _database().dispose()
    print("数据库已升级到最新版本 / database upgraded")
    return 0


def _account_command(work: Callable[[Session], str]) -> int:
    """Run an account command in one unit of work: print what `work` returns, or the
    domain error in the user's language (exit 1)."""
    from workshop.errors import DomainError
    from workshop.i18n import t

    database = _database()
    try:
        with database.unit_of_work() as db:
            print(work(db))
    except DomainError as exc:
        print(t(exc.key, **exc.params), file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    """The first city administrator (everyone else is invited or approved in the app)."""
    from workshop.accounts.service import create_planner

    password = args.password or getpass.getpass("密码 / password: ")

    def work(db: Session) -> str:
        admin = create_planner(
            db=db, username=args.username, password=password, name=args.name or args.username
        )
        admin.role = "city_admin"
        return f"已创建市级管理员 / city administrator created: {admin.username}"

    return _account_command(work)


def cmd_create_planner(args: argparse.Namespace) -> int:
    from workshop.accounts.service import create_planner

    password = args.password or getpass.getpass("密码 / password: ")

    def work(db: Session) -> str:
        planner = create_planner(
            db=db,
            username=args.username,
            password=password,
            name=args.name or args.username,
            discipline=args.discipline,
            title=args.title,
            organisation=args.organisation,
        )
        return f"已创建规划师账号 / planner created: {planner.username}"

    return _account_command(work)


def cmd_set_password(args: argparse.Namespace) -> int:
    """Set a planner's password (an imported planner has none until this)."""
    from workshop.accounts.service import set_password

    password = args.password or getpass.getpass("新密码 / new password: ")

    def work(db: Session) -> str:
        planner = set_password(db=db, username=args.username, password=password)
        return f"已设置密码 / password set: {planner.username}"

    return _account_command(work)


def load_demo(db) -> tuple[str, str]:
    """Load the fictional demo community, planner and workshop; return (code, title).

    The community also gets a finished meeting (workshop.demo, maps/demo/meeting.json),
    loaded once, after the fresh workshop. Loading again changes nothing.
    """
    from workshop.accounts.models import Planner
    from workshop.accounts.service import create_planner
    from workshop.basemaps.config import parse_base_map
    from workshop.communities.models import Community
    from workshop.demo import load_city_roles, load_finished_meeting
    from workshop.workshops.models import Workshop
    from workshop.workshops.service import create_workshop

    meta = json.loads((DEMO_DIR / "community.json").read_text(encoding="utf-8"))
    boundary = json.loads((DEMO_DIR / "boundary.geojson").read_text(encoding="utf-8"))
    base = json.loads((DEMO_DIR / "base_layers.geojson").read_text(encoding="utf-8"))
    # community.json may name a base map (workshop.basemaps.config), e.g. the demo tile pack.
    base_map = parse_base_map(meta.get("base_map")).as_dict() if meta.get("base_map") else None
    planner = db.scalar(select(Planner).where(Planner.username == DEMO_USER))
    if planner is None:
        planner = create_planner(
            db=db,
            username=DEMO_USER,
            password=DEMO_PASSWORD,
            name=meta["planner"]["name"],
            discipline="planner",
            title="intermediate",
            organisation=meta["planner"]["organisation"],
        )
    community = db.scalar(select(Community).where(Community.name == meta["name"]))
    if community is None:
        community = Community(
            name=meta["name"],
            district=meta["district"],
            street=meta["street"],
            boundary=boundary["features"][0]["geometry"],
            base_layers=base,
            base_map=base_map,
        )
        db.add(community)
        db.flush()
    elif community.base_map is None and base_map is not None:
        community.base_map = base_map
    workshop = db.scalar(
        select(Workshop).where(Workshop.community_id == community.id, Workshop.stage != "closed")
    )
    if workshop is None:
        workshop = create_workshop(
            db=db,
            planner=planner,
            community_id=community.id,
            title=meta["workshop"]["title"],
            on=date.today(),
            place=meta["workshop"]["place"],
        )
    load_finished_meeting(db, planner=planner, community=community)
    load_city_roles(db, planner=planner, community=community)
    return workshop.join_code, workshop.title


def cmd_demo(_args: argparse.Namespace) -> int:
    database = _database()
    from workshop.demo import (
        DEMO_ADMIN,
        DEMO_ADMIN_PASSWORD,
        DEMO_APPLICANT,
        DEMO_OFFICE_PASSWORD,
        DEMO_OFFICE_USER,
        meeting_data,
    )

    with database.unit_of_work() as db:
        code, title = load_demo(db)
    database.dispose()
    print("已载入虚构示例社区 / fictional demo community loaded")
    print(f"  工作坊 / workshop: {title}  参与码 / join code: {code}")
    print(f"  已结束的示例会议 / finished meeting: {meeting_data()['title']}")
    print(f"  规划师账号 / planner login: {DEMO_USER} / {DEMO_PASSWORD}")
    print(f"  街道办账号 / street office login: {DEMO_OFFICE_USER} / {DEMO_OFFICE_PASSWORD}")
    print(f"  市级管理员 / city administrator: {DEMO_ADMIN} / {DEMO_ADMIN_PASSWORD}")
    print(f"  待审核的注册申请 / application to review: {DEMO_APPLICANT} (/console/admin)")
    return 0


def print_urls(host: str, port: int) -> None:
    from workshop.workshops.models import Workshop

    shown = lan_address() if host in ("0.0.0.0", "::", "") else host
    base = f"http://{shown}:{port}"
    print("\n社区规划工作坊 workshop")
    print(f"  规划师工作台 / planner console:  http://127.0.0.1:{port}/console")
    print(f"  居民加入 / residents join:        {base}/join")
    database = _database()
    with database.unit_of_work(write=False) as db:
        for ws in db.scalars(select(Workshop).where(Workshop.stage != "closed")):
            print(f"  · {ws.title}")
            print(f"      参与码 / join code:  {ws.join_code}   ({base}/j/{ws.join_code})")
            print(
                f"      投影 / projector:    http://127.0.0.1:{port}/console/workshops/{ws.id}/projector"
            )
    database.dispose()
    from workshop.bundle import keys

    key = keys.active()
    if key is not None:
        print(f"  实例密钥指纹 / instance key fingerprint: {key.short}")
    print()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from workshop.i18n import t

    workers = max(1, args.workers)
    if workers > 1 and get_settings().resolved_database_url().startswith("sqlite"):
        # One SQLite writer per process queue, and live events stay in one process.
        print(t("serve.sqlite_one_worker"), file=sys.stderr)
        print("SQLite serves one process only: use PostgreSQL for --workers > 1", file=sys.stderr)
        return 2
    trusted = args.forwarded_allow_ips or get_settings().trusted_proxies
    print_urls(args.host, args.port)  # also upgrades the schema once, before any worker
    uvicorn.run(
        "workshop.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        log_level=args.log_level,
        timeout_graceful_shutdown=3,
        # Tablets come back every few seconds; keep their connections (uvicorn's 5 s
        # default closed them mid-meeting, and a burst then opened hundreds at once).
        timeout_keep_alive=30,
        access_log=get_settings().access_log,
        # X-Forwarded-For/Proto are believed only from the proxies the operator names.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workshop.backup import BackupUnsupported, backup_sqlite, default_target

    settings = get_settings()
    target = Path(args.path) if args.path else default_target(settings.data_dir)
    try:
        done = backup_sqlite(settings.resolved_database_url(), target)
    except (BackupUnsupported, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"已备份 / backed up: {done}")
    return 0


def cmd_erase_personal_data(args: argparse.Namespace) -> int:
    """Erase nicknames, tablet tokens, comments and photos of closed workshops (PIPL)."""
    from datetime import date, timedelta

    from workshop.errors import DomainError
    from workshop.i18n import t
    from workshop.workshops.editing import remove_files
    from workshop.workshops.models import Workshop
    from workshop.workshops.privacy import due_for_erasure, erase_personal_data

    photos_dir = get_settings().photos_dir
    database = _database()
    done = []
    try:
        with database.unit_of_work() as db:
            if args.workshop:
                workshop = db.get(Workshop, args.workshop)
                if workshop is None:
                    print(t("workshop.not_found"), file=sys.stderr)
                    return 2
                targets = [workshop]
            else:
                before = date.today() - timedelta(days=args.older_than_days)
                targets = due_for_erasure(db=db, closed_before=before)
            for workshop in targets:
                erased = erase_personal_data(db=db, workshop=workshop, photos_dir=photos_dir)
                done.append((workshop.id, workshop.title, erased))
    except DomainError as exc:
        print(t(exc.key, **exc.params), file=sys.stderr)
        return 1
    finally:
        database.dispose()
    for workshop_id, title, erased in done:
        remove_files(erased.photos)
        print(
            f"workshop {workshop_id} {title}: {erased.nicknames} nicknames, "
            f"{erased.comments} comments, {len(erased.photos)} photos erased"
        )
    if not done:
        print("nothing to erase / 没有需要清除的工作坊")
    return 0


def cmd_base_map(args: argparse.Namespace) -> int:
    from workshop.basemaps.service import set_base_map
    from workshop.errors import DomainError
    from workshop.i18n import t

    setting = {k: v for k, v in vars(args).items() if k in BASE_MAP_FIELDS and v is not None}
    database = _database()
    try:
        with database.unit_of_work() as db:
            base = set_base_map(db=db, community_id=args.community_id, setting=setting)
            print(
                t("basemap.saved", kind=base.kind), json.dumps(base.as_dict(), ensure_ascii=False)
            )
    except DomainError as exc:
        print(t(exc.key, **exc.params), file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


def _print_verdict(name: str, checked: dict, problems: list) -> bool:
    summary = f"{checked['vote_changes']} vote changes, {checked['records']} records"
    if problems:
        print(f"{name}: FAILED ({summary})")
        for problem in problems:
            print(f"  {problem}")
        return False
    print(f"{name}: OK ({summary})")
    return True


def _verify_bundle(path: str, record_hash: str = "") -> int:
    from pathlib import Path

    from workshop.audit.checks import verify_bundle_tables
    from workshop.bundle.keys import short_fingerprint
    from workshop.bundle.service import read_signed_bundle
    from workshop.errors import DomainError
    from workshop.i18n import t

    try:
        manifest, tables, _photos, signer = read_signed_bundle(Path(path).read_bytes())
    except OSError as exc:
        print(f"{path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except DomainError as exc:  # checksums, signature, format, corrupt zip: before any chain
        print(f"bundle {path}: FAILED: {t(exc.key, **exc.params)}")
        return 1
    checked, problems = verify_bundle_tables(tables)
    name = f"bundle {path} (workshop {manifest.get('workshop_title', '')})"
    ok = _print_verdict(name, checked, problems)
    if signer is None:
        print("  signature: unsigned / 未签名")
    else:
        print(f"  signature: valid, key {short_fingerprint(signer)} ({signer})")
    if record_hash:
        ok = _print_record_match(tables, record_hash) and ok
    return 0 if ok else 1


def _print_record_match(tables: dict, record_hash: str) -> bool:
    """The paper anchor: the hash printed on the report is a finalised version's here."""
    wanted = "".join(record_hash.split()).lower()
    for record in tables["assessment_record"]:
        if record.get("finalised_at") and record.get("record_hash") == wanted:
            print(f"  record hash: matches finalised version {record.get('version')}")
            return True
    print(f"  record hash: FAILED: no finalised version has record hash {wanted}")
    return False


def cmd_verify(args: argparse.Namespace) -> int:
    """Recompute the hash chains (vote audit trail, finalised records); 0 when intact.

    From the database (every workshop, or --workshop ID), or from a bundle file.
    """
    from workshop.audit.checks import verify_workshop
    from workshop.workshops.models import Workshop

    if args.bundle:
        return _verify_bundle(args.bundle, args.record_hash)
    if args.record_hash:
        print("--record-hash needs --bundle FILE", file=sys.stderr)
        return 2
    database = _database()
    failed = False
    with database.unit_of_work(write=False) as db:
        ids = [args.workshop] if args.workshop else list(db.scalars(select(Workshop.id)))
        for workshop_id in ids:
            if db.get(Workshop, workshop_id) is None:
                print(f"workshop {workshop_id}: not found")
                failed = True
                continue
            checked, problems = verify_workshop(db, workshop_id)
            failed |= not _print_verdict(f"workshop {workshop_id}", checked, problems)
    return 1 if failed else 0


BASE_MAP_FIELDS = ("kind", "pack", "url", "attribution", "crs", "max_zoom")


def cmd_export_bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workshop.bundle import export_bundle
    from workshop.i18n import t
    from workshop.workshops.models import Workshop

    database = _database()
    photos = get_settings().photos_dir
    with database.unit_of_work() as db:
        workshop = db.get(Workshop, args.workshop_id)
        if workshop is None:
            print(t("workshop.not_found"), file=sys.stderr)
            return 2
        bundle = export_bundle(db, workshop, photos_dir=photos)
    Path(args.file).write_bytes(bundle.data)
    counts = bundle.manifest["counts"]
    print(
        f"已导出 / exported: {args.file} (uid {bundle.manifest['workshop_uid']}; "
        f"资产 {counts['asset']}，提案 {counts['proposal']}，选票 {counts['vote']})"
    )
    return 0


def cmd_import_bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workshop.bundle import import_bundle
    from workshop.bundle.planners import owner_by_username
    from workshop.errors import DomainError
    from workshop.i18n import t

    database = _database()
    photos = get_settings().photos_dir
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        with database.unit_of_work() as db:
            owner = owner_by_username(db, args.owner) if args.owner else None
            done = import_bundle(db, data, photos_dir=photos, owner_id=owner)
    except DomainError as exc:
        print(t(exc.key, **exc.params), file=sys.stderr)
        return 1
    if done.created:
        print(f"已导入 / imported: workshop {done.workshop_id} (uid {done.uid})")
    else:
        print(f"{t('bundle.already')} (workshop {done.workshop_id})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workshop", description="社区规划工作坊 workshop")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the server / 启动服务")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default all)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (PostgreSQL only when > 1)"
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default="",
        help="reverse proxies trusted for X-Forwarded-Proto/For "
        "(default WORKSHOP_TRUSTED_PROXIES, else none)",
    )
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="load the fictional demo community / 载入示例")
    demo.set_defaults(func=cmd_demo)

    planner = sub.add_parser("create-planner", help="create a planner account / 创建规划师账号")
    planner.add_argument("username")
    planner.add_argument("--name", default="")
    planner.add_argument("--password", default="", help="prompted for when omitted")
    planner.add_argument(
        "--discipline", default="planner", choices=["planner", "architect", "engineer"]
    )
    planner.add_argument(
        "--title",
        default="intermediate",
        choices=["junior", "intermediate", "associate_senior", "senior"],
    )
    planner.add_argument("--organisation", default="")
    planner.set_defaults(func=cmd_create_planner)

    set_pw = sub.add_parser("set-password", help="set a planner's password / 设置规划师密码")
    set_pw.add_argument("username")
    set_pw.add_argument("--password", default="", help="prompted for when omitted")
    set_pw.set_defaults(func=cmd_set_password)

    admin = sub.add_parser(
        "create-admin", help="create a city administrator account / 创建市级管理员账号"
    )
    admin.add_argument("username")
    admin.add_argument("--name", default="")
    admin.add_argument("--password", default="", help="prompted for when omitted")
    admin.set_defaults(func=cmd_create_admin)

    backup = sub.add_parser("backup", help="snapshot the SQLite database / 备份数据库")
    backup.add_argument("path", nargs="?", default="", help="default: <data_dir>/backups/")
    backup.set_defaults(func=cmd_backup)

    base_map = sub.add_parser("base-map", help="choose a community's base map / 设置社区底图")
    base_map.add_argument("community_id", type=int)
    base_map.add_argument("--kind", default="vector", choices=["vector", "tiles", "xyz"])
    for option in ("--pack", "--url", "--attribution", "--crs"):
        base_map.add_argument(option)
    base_map.add_argument("--max-zoom", dest="max_zoom", type=int)
    base_map.set_defaults(func=cmd_base_map)

    export_b = sub.add_parser("export-bundle", help="export a workshop bundle / 导出工作坊包")
    export_b.add_argument("workshop_id", type=int)
    export_b.add_argument("file")
    export_b.set_defaults(func=cmd_export_bundle)

    import_b = sub.add_parser("import-bundle", help="import a workshop bundle / 导入工作坊包")
    import_b.add_argument("file")
    import_b.add_argument(
        "--owner",
        default="",
        help="username of the planner the workshop will belong to (else nobody's yet)",
    )
    import_b.set_defaults(func=cmd_import_bundle)

    erase = sub.add_parser(
        "erase-personal-data",
        help="erase nicknames, comments and photos of closed workshops / 清除参与者个人信息",
    )
    erase.add_argument("--workshop", type=int, default=None, help="one closed workshop")
    erase.add_argument(
        "--older-than-days",
        type=int,
        default=90,
        help="else every closed workshop held more than this many days ago (default 90)",
    )
    erase.set_defaults(func=cmd_erase_personal_data)
    verify = sub.add_parser("verify", help="check the hash chains / 校验记录未被篡改")
    verify.add_argument("--workshop", type=int, default=None)
    verify.add_argument(
        "--bundle", default="", help="check an exported bundle file instead of the database"
    )
    verify.add_argument(
        "--record-hash",
        default="",
        help="with --bundle: the record hash printed on the paper report / 纸质报告上的记录哈希",
    )
    verify.set_defaults(func=cmd_verify)

    migrate = sub.add_parser("migrate", help="upgrade the database / 升级数据库")
    migrate.set_defaults(func=cmd_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
