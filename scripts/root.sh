# Sourced by the install scripts: `as_root` holds the prefix that runs a command as root (nothing
# for root, sudo where it needs no password); the function fails when neither is possible.
can_be_root() {
    if [[ $(id -u) == 0 ]]; then
        as_root=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo)
    else
        return 1
    fi
}
