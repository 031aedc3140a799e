"""Open Badges 3.0 API (1EdTech OB 3.0 §6 "Open Badges API", §7 "API Security"): names, scopes and document shapes.

No Django here: the service description document, the Imsx_StatusInfo error body, the paging headers and the
earner's Profile are plain functions of their inputs, so they can be tested and reused on their own."""
from __future__ import annotations

from urllib.parse import urlencode

BASE_PATH = "/ims/ob/v3p0"
CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

SCOPE_CREDENTIAL_READ = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
SCOPE_CREDENTIAL_UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
SCOPE_PROFILE_READ = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
SCOPE_PROFILE_UPDATE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update"
# Not an OB scope, but the spec's own registration example asks for it; we accept it (a refresh token is issued
# either way) so that clients written from the example can register.
SCOPE_OFFLINE = "offline_access"

# What the earner reads on the consent page (and the SDD's scope descriptions). Plain English here; the consent
# page translates them through scope_labels() in oauth.py.
SCOPES = {
    SCOPE_CREDENTIAL_READ: "Read your credentials",
    SCOPE_CREDENTIAL_UPSERT: "Add credentials to your account (each is verified before it is kept)",
    SCOPE_PROFILE_READ: "Read your profile (your name and e-mail address)",
    SCOPE_PROFILE_UPDATE: "Change your name",
    SCOPE_OFFLINE: "Stay connected when you are not signed in (until you revoke access)",
}
OB_SCOPES = (SCOPE_CREDENTIAL_READ, SCOPE_CREDENTIAL_UPSERT, SCOPE_PROFILE_READ, SCOPE_PROFILE_UPDATE)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

# Imsx_CodeMinorFieldValue vocabulary used by the OB 3.0 API.
FORBIDDEN, INVALID_DATA, NOT_FOUND, NOT_ALLOWED = "forbidden", "invalid_data", "not_found", "not_allowed"
UNAUTHORIZED, INVALID_QUERY, INTERNAL, UNSUPPORTED_TYPE = ("unauthorizedrequest", "invalid_query_parameter",
                                                          "internal_server_error", "not_acceptable")


def status_info(description: str, code_minor: str, *, code_major: str = "failure", severity: str = "error") -> dict:
    """An Imsx_StatusInfo body (OB 3.0 §B "Imsx_StatusInfo"), the shape of every error of the API."""
    return {
        "imsx_codeMajor": code_major,
        "imsx_severity": severity,
        "imsx_description": description,
        "imsx_codeMinor": {"imsx_codeMinorField": [
            {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": code_minor},
        ]},
    }


def paging_headers(url: str, *, total: int, limit: int, offset: int) -> dict[str, str]:
    """X-Total-Count and Link (first, last always; next when incomplete; prev when offset > 0) as OB 3.0 §6.3."""
    def link(at: int, rel: str) -> str:
        return f'<{url}?{urlencode({"limit": limit, "offset": at})}>; rel="{rel}"'

    last = max(0, ((total - 1) // limit) * limit) if total else 0
    links = []
    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    links.append(link(last, "last"))
    links.append(link(0, "first"))
    if offset > 0:
        links.append(link(max(0, offset - limit), "prev"))
    return {"X-Total-Count": str(total), "Link": ", ".join(links)}


def profile_document(*, profile_id: str, name: str, email: str) -> dict:
    """The earner's OB 3.0 Profile as getProfile answers it."""
    document = {"@context": [CONTEXT], "id": profile_id, "type": ["Profile"], "name": name}
    if email:
        document["email"] = email
    return document


def service_description(*, site_url: str, title: str, version: str, terms_url: str, privacy_url: str,
                        registration_url: str, authorization_url: str, token_url: str, image_url: str = "") -> dict:
    """The Service Description Document (OB 3.0 §7.3.1.1): a profiled OpenAPI 3.0 document of this server.

    It declares the operations this server implements, their scopes, and the OAuth2ACG security scheme with the
    1EdTech extensions (x-imssf-registrationUrl in the scheme; x-imssf-privacyPolicyUrl and x-imssf-image in info)."""
    info = {"title": title, "version": version, "termsOfService": terms_url, "x-imssf-privacyPolicyUrl": privacy_url,
            "description": "The Open Badges 3.0 API of this microcred platform."}
    if image_url:
        info["x-imssf-image"] = image_url
    errors = {str(code): {"description": text, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Imsx_StatusInfo"}}}}
        for code, text in ((400, "Bad request"), (401, "Missing or invalid access token"),
                           (403, "The access token lacks the scope of this operation"), (405, "Method not allowed"),
                           (413, "Request body too large"), (500, "Server error"))}

    def operation(op_id: str, summary: str, scope: str, responses: dict, **more) -> dict:
        return {"operationId": op_id, "summary": summary, "tags": ["OpenBadgeCredentials"],
                "security": [{"OAuth2ACG": [scope]}], "responses": {**responses, **errors}, **more}

    credential_body = {
        "application/json": {"schema": {"$ref": "#/components/schemas/AchievementCredential"}},
        "application/vc+ld+json": {"schema": {"$ref": "#/components/schemas/AchievementCredential"}},
        "text/plain": {"schema": {"$ref": "#/components/schemas/CompactJws"}},
    }
    profile_body = {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}
    paths = {
        "/credentials": {
            "get": operation(
                "getCredentials", "The signed credentials of the authorized earner.", SCOPE_CREDENTIAL_READ,
                {"200": {"description": "A page of credentials; X-Total-Count and Link headers page through them.",
                         "headers": {"X-Total-Count": {"schema": {"type": "integer"}},
                                     "Link": {"schema": {"type": "string"}}},
                         "content": {"application/json": {"schema": {
                             "$ref": "#/components/schemas/GetOpenBadgeCredentialsResponse"}}}}},
                parameters=[
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}},
                    {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}},
                    {"name": "since", "in": "query", "required": False,
                     "schema": {"type": "string", "format": "date-time"}},
                ]),
            "post": operation(
                "upsertCredential", "Keep a credential for the earner, only if it verifies here.",
                SCOPE_CREDENTIAL_UPSERT,
                {"200": {"description": "Already kept for this earner.", "content": credential_body},
                 "201": {"description": "Verified and kept.", "content": credential_body}},
                requestBody={"required": True, "content": credential_body}),
        },
        "/profile": {
            "get": operation("getProfile", "The earner's profile.", SCOPE_PROFILE_READ,
                             {"200": {"description": "The profile.", "content": profile_body},
                              "404": errors["400"] | {"description": "Not found"}}),
            "put": operation("putProfile", "Change the earner's name (the only field that can change here).",
                             SCOPE_PROFILE_UPDATE,
                             {"200": {"description": "The profile as now stored.", "content": profile_body}},
                             requestBody={"required": True, "content": profile_body}),
        },
        "/discovery": {"get": {"operationId": "getServiceDescription", "tags": ["Discovery"], "security": [],
                               "summary": "This document.",
                               "responses": {"200": {"description": "The service description document.",
                                                     "content": {"application/json": {"schema": {"type": "object"}}}},
                                             "default": errors["400"]}}},
    }
    schemas = {
        "GetOpenBadgeCredentialsResponse": {"type": "object", "additionalProperties": False, "properties": {
            "credential": {"type": "array", "items": {"$ref": "#/components/schemas/AchievementCredential"}},
            "compactJwsString": {"type": "array", "items": {"$ref": "#/components/schemas/CompactJws"}},
        }},
        "AchievementCredential": {"type": "object", "description":
                                  "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"},
        "Profile": {"type": "object", "required": ["id", "type"], "description":
                    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json"},
        "CompactJws": {"type": "string", "pattern": r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$"},
        "Imsx_StatusInfo": {"type": "object", "required": ["imsx_codeMajor", "imsx_severity"], "properties": {
            "imsx_codeMajor": {"type": "string", "enum": ["failure", "processing", "success", "unsupported"]},
            "imsx_severity": {"type": "string", "enum": ["error", "status", "warning"]},
            "imsx_description": {"type": "string"},
            "imsx_codeMinor": {"type": "object"},
        }},
    }
    return {
        "openapi": "3.0.1",
        "info": info,
        "servers": [{"url": f"{site_url}{BASE_PATH}", "description": "This server."}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Discovery"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"OAuth2ACG": {
                "type": "oauth2",
                "description": "OAuth 2.0 Authorization Code Grant authorization (PKCE with S256 required)",
                "x-imssf-name": title,
                "x-imssf-privacyPolicyUrl": privacy_url,
                "x-imssf-registrationUrl": registration_url,
                "x-imssf-termsOfServiceUrl": terms_url,
                "flows": {"authorizationCode": {
                    "authorizationUrl": authorization_url, "tokenUrl": token_url, "refreshUrl": token_url,
                    "scopes": {scope: SCOPES[scope] for scope in OB_SCOPES},
                }},
            }},
            "schemas": schemas,
        },
    }
