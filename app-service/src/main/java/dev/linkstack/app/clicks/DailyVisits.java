package dev.linkstack.app.clicks;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Objects;

/** Visits of one link on one UTC day with one value of a dimension (written by {@link ClickStore}, read by the statistics). */
@Entity
@Table(name = "link_daily_visits")
@IdClass(DailyVisits.Key.class)
public class DailyVisits extends PanacheEntityBase {
    @Id
    @Column(name = "link_id")
    public Long linkId;

    @Id
    @Column(name = "day")
    public LocalDate day;

    @Id
    @Column(name = "dimension", length = 16)
    public String dimension;

    @Id
    @Column(name = "value", length = 255)
    public String value;

    @Column(nullable = false)
    public long visits;

    public static class Key implements Serializable {
        public Long linkId;
        public LocalDate day;
        public String dimension;
        public String value;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Objects.equals(linkId, other.linkId) && Objects.equals(day, other.day)
                    && Objects.equals(dimension, other.dimension) && Objects.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(linkId, day, dimension, value);
        }
    }
}
