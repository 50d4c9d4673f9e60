package dev.linkstack.app.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The CSRF filter refuses a form with a bare 400. Say why, in the error format of the API (a person in a browser
 * gets a short page with a way back instead).
 */
public class RejectedFormExplained {
    static final String MESSAGE = "This form has expired or was not sent from this site. Go back, reload the page and try again.";

    @ServerResponseFilter
    public void explain(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() != 400 || response.hasEntity() || !isForm(request.getMediaType())) {
            return;
        }
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains(MediaType.TEXT_HTML)) {
            response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_HTML + ";charset=UTF-8");
            response.setEntity("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Form rejected</title>"
                    + "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main><section class=\"card narrow\">"
                    + "<h1 id=\"form-rejected\">Form rejected</h1><p>" + MESSAGE + "</p><p><a href=\"/dashboard\">Back to your links</a></p>"
                    + "</section></main></body></html>");
        } else {
            response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
            response.setEntity(new ApiError(400, "form_rejected", MESSAGE));
        }
    }

    private static boolean isForm(MediaType type) {
        return type != null && (type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE) || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE));
    }
}
