package dev.linkstack.app.links;

import dev.linkstack.app.errors.Conflict;

public class CodeTaken extends Conflict {
    public CodeTaken(String code) {
        super("code", "Code '" + code + "' is already taken");
    }
}
