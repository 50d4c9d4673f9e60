package dev.linkstack.app.links;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** One tag of one link (table link_tags); a link's tags are the rows with its id. */
@Entity
@Table(name = "link_tags")
@IdClass(LinkTag.Key.class)
public class LinkTag extends PanacheEntityBase {
    @Id
    @Column(name = "link_id", nullable = false)
    public Long linkId;

    @Id
    @Column(nullable = false, length = 32)
    public String tag;

    public static class Key implements Serializable {
        public Long linkId;
        public String tag;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(linkId, k.linkId) && Objects.equals(tag, k.tag);
        }

        @Override
        public int hashCode() {
            return Objects.hash(linkId, tag);
        }
    }
}
