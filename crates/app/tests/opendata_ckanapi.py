"""Drives the portal with ckanapi, the CKAN client library, exactly as against CKAN."""
import io
import sys

import ckanapi

base, key = sys.argv[1], sys.argv[2]
site = ckanapi.RemoteCKAN(base, apikey=key, user_agent="tinhso-test")
anon = ckanapi.RemoteCKAN(base, user_agent="tinhso-test")

pkg = site.action.package_create(name="ckanapi-thu", title="Thử ckanapi", license_id="odc-odbl",
                                 notes="Bộ dữ liệu tạo bằng ckanapi", tags=[{"name": "thử"}])
assert pkg["name"] == "ckanapi-thu", pkg
res = site.action.resource_create(package_id=pkg["id"], name="bang.csv", format="CSV",
                                  upload=io.BytesIO("ma,so\n1,10\n2,20\n".encode()))
assert res["datastore_active"] is True, res
rows = anon.action.datastore_search(resource_id=res["id"], filters={"ma": "2"})
assert rows["total"] == 1 and rows["records"][0]["so"] == 20, rows
found = anon.action.package_search(q="ckanapi", facet_field=None, rows=5)
assert found["count"] == 1, found
assert "ckanapi-thu" in anon.action.package_list()
site.action.package_patch(id="ckanapi-thu", title="Đã sửa")
assert anon.action.package_show(id="ckanapi-thu")["title"] == "Đã sửa"
try:
    anon.action.package_show(id="khong-co")
    raise SystemExit("expected NotFound")
except ckanapi.NotFound:
    pass
try:
    anon.action.package_create(name="khong-khoa")
    raise SystemExit("expected NotAuthorized")
except ckanapi.NotAuthorized:
    pass
try:
    site.action.package_create(name="Sai Ten")
    raise SystemExit("expected ValidationError")
except ckanapi.ValidationError as e:
    assert "name" in e.error_dict, e.error_dict
site.action.resource_patch(id=res["id"], description="Mô tả mới")
assert anon.action.resource_show(id=res["id"])["description"] == "Mô tả mới"
extra = site.action.resource_create(package_id=pkg["id"], name="them.csv", format="CSV",
                                    upload=io.BytesIO("ma,so\n3,30\n".encode()))
site.action.resource_delete(id=extra["id"])
assert [r["id"] for r in anon.action.package_show(id="ckanapi-thu")["resources"]] == [res["id"]]
try:
    anon.action.resource_show(id=extra["id"])
    raise SystemExit("expected NotFound")
except ckanapi.NotFound:
    pass
try:
    anon.action.resource_delete(id=res["id"])
    raise SystemExit("expected NotAuthorized")
except ckanapi.NotAuthorized:
    pass
site.action.package_delete(id="ckanapi-thu")
assert "ckanapi-thu" not in anon.action.package_list()
print("ckanapi: ok")
