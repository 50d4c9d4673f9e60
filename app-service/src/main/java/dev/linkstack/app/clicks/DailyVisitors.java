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

/** The HyperLogLog sketch of one link's visitors on one UTC day (written by {@link ClickStore}, read by the statistics). */
@Entity
@Table(name = "link_daily_visitors")
@IdClass(DailyVisitors.Key.class)
public class DailyVisitors extends PanacheEntityBase {
    @Id
    @Column(name = "link_id")
    public Long linkId;

    @Id
    @Column(name = "day")
    public LocalDate day;

    @Column(nullable = false)
    public byte[] sketch;

    public static class Key implements Serializable {
        public Long linkId;
        public LocalDate day;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Objects.equals(linkId, other.linkId) && Objects.equals(day, other.day);
        }

        @Override
        public int hashCode() {
            return Objects.hash(linkId, day);
        }
    }
}
