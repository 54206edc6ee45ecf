//! The OpenAPI document at `/api/openapi.json`.
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "tinhso API", description = "API của nền tảng chính quyền số tỉnh (tinhso). Lỗi trả về dạng {\"error\":{\"code\",\"message\"}}."),
    paths(
        tinhso_catalog::http::api::list,
        tinhso_catalog::http::api::show,
        tinhso_catalog::http::api::create,
        tinhso_catalog::http::api::update,
        tinhso_catalog::http::api::retire,
        crate::account::api_login,
        crate::account::api_me,
        crate::account::api_logout,
        crate::account::api_register,
        crate::admin::api_list,
        crate::admin::api_create,
        crate::admin::api_grant,
        crate::org_units::list,
        tinhso_dossier::http::submit,
        tinhso_dossier::http::mine,
        tinhso_dossier::http::queue,
        tinhso_dossier::http::show,
        tinhso_dossier::http::timeline,
        tinhso_dossier::http::act,
        tinhso_dossier::http::apologize,
        tinhso_dossier::http::receipt,
        tinhso_dossier::http::result,
        tinhso_dossier::http::rate,
        tinhso_dossier::http::check_code,
        tinhso_dossier::http::check_file,
        tinhso_dossier::http::start_payment,
        tinhso_dossier::http::payment_ipn,
        tinhso_dossier::documents::http::add,
        tinhso_dossier::documents::http::from_wallet,
        tinhso_dossier::documents::http::list,
        tinhso_dossier::documents::http::download,
        tinhso_dossier::documents::http::offers,
        tinhso_wallet::http::mine,
        tinhso_wallet::http::download,
        tinhso_dossier::http::lookup,
        tinhso_dossier::http::stats,
        tinhso_dossier::http::counter,
        tinhso_exchange::http::list_subsystems,
        tinhso_exchange::http::register_subsystem,
        tinhso_exchange::http::register_service,
        tinhso_exchange::http::list_services,
        tinhso_exchange::http::change_service,
        tinhso_exchange::http::list_keys,
        tinhso_exchange::http::issue_key,
        tinhso_exchange::http::revoke_key,
        tinhso_exchange::http::rotate_key,
        tinhso_exchange::http::list_grants,
        tinhso_exchange::http::request_access,
        tinhso_exchange::http::decide,
        tinhso_exchange::stats::api,
        tinhso_exchange::digest::api_list,
        tinhso_exchange::digest::api_sign,
        tinhso_exchange::access::api,
        tinhso_exchange::prefill::api,
    ),
    tags((name = "catalog", description = "Danh mục thủ tục hành chính"), (name = "identity", description = "Tài khoản và phiên đăng nhập"), (name = "dossier", description = "Hồ sơ thủ tục hành chính"), (name = "wallet", description = "Kho dữ liệu điện tử của tổ chức, cá nhân"), (name = "exchange", description = "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP); cổng gọi dịch vụ là /x/{member}/{subsystem}/{service}/…"))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
