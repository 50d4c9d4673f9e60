-- What a token may do: read < create < full. Tokens from before scopes existed could do everything: they become full.
ALTER TABLE api_tokens ADD COLUMN scope VARCHAR(16) NOT NULL DEFAULT 'full'
    CONSTRAINT api_tokens_scope_known CHECK (scope IN ('read', 'create', 'full'));
