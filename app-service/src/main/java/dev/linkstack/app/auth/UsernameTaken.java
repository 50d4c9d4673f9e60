package dev.linkstack.app.auth;

import dev.linkstack.app.errors.Conflict;

public class UsernameTaken extends Conflict {
    public UsernameTaken(String username) {
        super("username", "Username '" + username + "' is taken");
    }
}
