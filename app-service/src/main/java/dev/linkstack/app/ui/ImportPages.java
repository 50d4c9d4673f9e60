package dev.linkstack.app.ui;

import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.links.transfer.LinkImport;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The dashboard's upload of a CSV export (the form under the link list); the file is read from its temporary copy. */
@Path("/dashboard/import")
@Produces(MediaType.TEXT_HTML)
public class ImportPages {
    private final LinkImport imports;
    private final SignedIn signedIn;

    ImportPages(LinkImport imports, SignedIn signedIn) {
        this.imports = imports;
        this.signedIn = signedIn;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response upload(@RestForm("file") FileUpload file, @RestForm String dryRun) {
        SignedIn.Account account = signedIn.require();
        boolean dry = dryRun != null && !dryRun.isBlank();
        if (file == null || file.uploadedFile() == null) {
            return AccountPages.page(400, Pages.importReport(account, null, "Choose a CSV file to import."));
        }
        try (InputStream in = Files.newInputStream(file.uploadedFile())) {
            LinkImport.Report report = imports.run(account.id(), in, dry);
            return AccountPages.page(200, Pages.importReport(account, report, null));
        } catch (DomainError e) {
            return AccountPages.page(FieldError.of(e).status(), Pages.importReport(account, null, e.getMessage()));
        } catch (WebApplicationException e) {
            return AccountPages.page(e.getResponse().getStatus(), Pages.importReport(account, null, "The file is too large to import."));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
