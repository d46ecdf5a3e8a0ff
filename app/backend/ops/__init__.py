"""Operations: health probes, migrations under an advisory lock, the legacy import."""
