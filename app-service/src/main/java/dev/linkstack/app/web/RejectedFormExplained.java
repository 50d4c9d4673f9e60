package dev.linkstack.app.web;

import dev.linkstack.platform.errors.ApiError;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The CSRF extension refuses a form with a bare 400. Say why: in the API's error format for a program, and with the
 * {@code templates/ui/rejected.html} page (a way back) for a person in a browser.
 */
public class RejectedFormExplained {
    static final String MESSAGE = "This form has expired or was not sent from this site. Go back, reload the page and try again.";

    private final Template rejectedPage;

    RejectedFormExplained(@Location("ui/rejected") Template rejectedPage) {
        this.rejectedPage = rejectedPage;
    }

    @ServerResponseFilter
    public void explain(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() != 400 || response.hasEntity() || !isForm(request.getMediaType())) {
            return;
        }
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains(MediaType.TEXT_HTML)) {
            response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_HTML + ";charset=UTF-8");
            response.setEntity(rejectedPage.render());
        } else {
            response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
            response.setEntity(new ApiError(400, "form_rejected", MESSAGE));
        }
    }

    private static boolean isForm(MediaType type) {
        return type != null && (type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE) || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE));
    }
}
