package dev.linkstack.app.testing;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Posts the web UI's forms the way a browser does: CSRF cookie from the page plus the token from its hidden field. */
public final class Forms {
    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    private Forms() {
    }

    public record Csrf(String cookie, String token, String sessionCookie) {
        public Response post(String path, Map<String, String> fields, String clientAddress) {
            RequestSpecification request = RestAssured.given().redirects().follow(false)
                    .contentType("application/x-www-form-urlencoded").cookie("linkstack_csrf", cookie)
                    .formParams(fields).formParam("csrf-token", token);
            if (sessionCookie != null) {
                request = request.cookie("linkstack_session", sessionCookie);
            }
            if (clientAddress != null) {
                request = request.header("X-Forwarded-For", clientAddress);
            }
            return request.post(path);
        }
    }

    public static Csrf csrf(String pagePath) {
        return csrf(pagePath, null);
    }

    /** Opens a page (signed in when a session is given) and keeps its CSRF cookie and token. */
    public static Csrf csrf(String pagePath, String sessionCookie) {
        RequestSpecification request = RestAssured.given().redirects().follow(false);
        if (sessionCookie != null) {
            request = request.cookie("linkstack_session", sessionCookie);
        }
        Response page = request.get(pagePath);
        page.then().statusCode(200);
        Matcher token = TOKEN.matcher(page.asString());
        if (!token.find()) {
            throw new AssertionError("no CSRF field on " + pagePath);
        }
        return new Csrf(page.cookie("linkstack_csrf"), token.group(1), sessionCookie);
    }
}
