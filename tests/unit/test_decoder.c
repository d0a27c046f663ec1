/* decoder/: Zydis (insn_decode, x64_rewrite) cross-checked against Capstone
 * (disasm_text), an independent decoder, on a large generated stream of
 * IA-32 instructions. For each instruction:
 *  1. lengths: where both decoders accept an instruction bt386 executes
 *     (kind != INSN_UD), they agree on its length;
 *  2. rewrites: a GENERIC or DIV instruction that is not copied re-encodes
 *     (x64_rewrite) to a valid 64-bit instruction of the length Capstone
 *     finds, with the guest's mnemonic and operands once the substitutions
 *     are applied (memory -> [r11 + r10], ESP -> r12d, AH..BH -> r9b,
 *     segment overrides dropped) and its LOCK kept;
 *  3. copies: an `ident` instruction reads the same in 64-bit mode as in
 *     32-bit mode, which is what makes copying it safe.
 * The stream is deterministic (a fixed seed): every one-byte, 0F, 0F 38 and
 * 0F 3A opcode behind random legacy prefixes with random ModRM, SIB,
 * displacement and immediate bytes, then random bytes.
 *
 * Where Capstone 4.0.2 and Zydis 4.0 disagree (measured on this stream):
 *  - lengths of INSN_UD instructions only, hence not compared: UD0 (0F FF)
 *    and UD1 (0F B9), which have a ModRM byte since the 2017 SDM and none in
 *    Capstone 4; VMX instructions after F2/F3 prefixes;
 *  - accepted by Capstone only, rejected by Zydis (#UD for the guest):
 *    LOCK on an instruction that cannot take it, MOV to CS, a VEX prefix
 *    after 66/F2/F3 (all #UD in the SDM); 66/F2/F3 on a 0F-map opcode that
 *    has no form with that prefix (MMX, SSE, SSSE3+, FXSAVE group: "F2 0F 6E
 *    D6", "F3 0F 15 /r"; reserved in the SDM); VIA PadLock (0F A7);
 *  - accepted by Zydis only (Capstone 4 gaps): register-form hint NOPs
 *    (0F 0D and 0F 18..1F with mod = 3), xFENCE with r/m != 0 (0F AE F9),
 *    SSE2 forms (0F 6C/6D/D6/E6) and MOV moffs (A0..A3) with other prefixes
 *    between the 66/F2/F3 and the opcode, UD0 (0F FF) after prefixes, SSSE3+
 *    (INSN_UD); for these only the rewrite's validity is checked;
 *  - Capstone's reading of the prefixes (canonical_bytes) and its spellings
 *    (x87 ST(0), XCHG operand order, SAL, TZCNT/LZCNT, hint NOPs: see
 *    same_mnemonic and same_operands).
 * The first example of each failure is printed with its bytes. */
#include <ctype.h>
#include <time.h>

#include "decoder/disasm.h"
#include "decoder/insn.h"
#include "decoder/x64asm.h"
#include "check.h"

#define TEXT_MAX 160
#define MNEMONIC_MAX 24

/* xorshift64*: small, fast and the same on every host. */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rng_below(unsigned n)
{
    return (unsigned)((rng_next() >> 32) % n);
}

/* Failures of one kind, counted by guest mnemonic, the first example of
 * each kept for the report. */
#define TALLY_MAX 64

struct tally_entry {
    char mnemonic[MNEMONIC_MAX];
    unsigned count;
    uint8_t bytes[15];
    uint8_t len;
    char detail[2 * TEXT_MAX];
};

struct tally {
    const char *what;
    unsigned total, other_mnemonics;
    int n;
    struct tally_entry e[TALLY_MAX];
};

static __attribute__((format(printf, 5, 6)))
void tally_add(struct tally *t, const char *mnemonic, const uint8_t *bytes, int len,
               const char *fmt, ...)
{
    va_list ap;

    t->total++;
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->e[i].mnemonic, mnemonic) == 0) {
            t->e[i].count++;
            return;
        }
    if (t->n == TALLY_MAX) {
        t->other_mnemonics++;
        return;
    }
    struct tally_entry *e = &t->e[t->n++];
    snprintf(e->mnemonic, sizeof e->mnemonic, "%s", mnemonic);
    e->count = 1;
    e->len = (uint8_t)(len < 0 ? 0 : len > 15 ? 15 : len);
    memcpy(e->bytes, bytes, e->len);
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
}

/* One check line for the tally; on failure, one line per mnemonic. */
static void tally_check(const struct tally *t)
{
    FILE *f = check_out();

    if (CHECK(t->total == 0, "%s", t->what))
        return;
    for (int i = 0; i < t->n; i++) {
        const struct tally_entry *e = &t->e[i];
        fprintf(f, "     %-12s x%-6u", e->mnemonic, e->count);
        for (int j = 0; j < e->len; j++)
            fprintf(f, " %02x", e->bytes[j]);
        fprintf(f, "  %s\n", e->detail);
    }
    if (t->other_mnemonics)
        fprintf(f, "     (%u more, other mnemonics)\n", t->other_mnemonics);
}

static void hex_bytes(const uint8_t *b, int n, char *out, size_t outsz)
{
    out[0] = 0;
    for (int i = 0; i < n && (size_t)(3 * i + 3) < outsz; i++)
        snprintf(out + 3 * i, outsz - 3 * (size_t)i, "%02x ", b[i]);
}

/* Words Capstone puts before the mnemonic. */
static bool is_prefix_word(const char *w, size_t n)
{
    static const char *const words[] = { "lock", "rep", "repe", "repz", "repne", "repnz",
                                         "bnd", "notrack", "xacquire", "xrelease" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncmp(words[i], w, n) == 0)
            return true;
    return false;
}

/* The mnemonic of a Capstone text (prefix words skipped) into out; returns
 * where the operands start. */
static const char *mnemonic_of(const char *text, char *out, size_t outsz)
{
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, " ");
        if (is_prefix_word(p, n) && p[n] == ' ') {
            p += n + 1;
            continue;
        }
        snprintf(out, outsz, "%.*s", (int)n, p);
        return p[n] == ' ' ? p + n + 1 : p + n;
    }
}

static bool has_lock(const char *text)
{
    return strncmp(text, "lock ", 5) == 0 || contains(text, " lock ");
}

static bool is_legacy_prefix(uint8_t c)
{
    return c == 0x26 || c == 0x2e || c == 0x36 || c == 0x3e || c == 0x64 || c == 0x65 ||
           c == 0x66 || c == 0x67 || c == 0xf0 || c == 0xf2 || c == 0xf3;
}

/* Capstone 4 reads legacy prefixes order-dependently, unlike the CPU (SDM
 * vol. 2 2.1.1: the prefix groups come in any order). It takes 66, F2 or F3
 * as an SSE mandatory prefix only right before the opcode ("66 67 0F 5C" is
 * SUBPD, Capstone says subps), and it mis-sizes the memory operand when
 * F2/F3 follows 66 ("66 F3 09 23" is OR m16, r16; Capstone: "or dword ptr
 * [ebx], sp"). The reference text is therefore Capstone's reading of the
 * same prefixes in an order it reads right: one of each (the last segment
 * override and the last of F2/F3, which is what the CPU and Zydis apply),
 * segment first, then 67, F0, and 66 with F2/F3 next to the opcode.
 * With both 66 and F2/F3, the order picks the reading: F2/F3 last gives the
 * SSE one, where F2/F3 outranks 66 ("66 F3 0F 5D" is MINSS whichever comes
 * first), 66 last the right operand size otherwise. The SSE reading is
 * taken on the 0F maps (and for F3 90, PAUSE) when its mnemonic differs. */
static int canonical_bytes(const uint8_t *b, int len, bool rep_last, uint8_t *out)
{
    uint8_t seg = 0, rep = 0;
    bool asz = false, osz = false, lock = false;
    int i = 0, n = 0;

    for (; i < len; i++) {
        uint8_t c = b[i];
        if (c == 0x26 || c == 0x2e || c == 0x36 || c == 0x3e || c == 0x64 || c == 0x65)
            seg = c;
        else if (c == 0xf2 || c == 0xf3)
            rep = c;
        else if (c == 0x66)
            osz = true;
        else if (c == 0x67)
            asz = true;
        else if (c == 0xf0)
            lock = true;
        else
            break;
    }
    if (seg)
        out[n++] = seg;
    if (asz)
        out[n++] = 0x67;
    if (lock)
        out[n++] = 0xf0;
    if (osz && rep_last)
        out[n++] = 0x66;
    if (rep)
        out[n++] = rep;
    if (osz && !rep_last)
        out[n++] = 0x66;
    memcpy(out + n, b + i, (size_t)(len - i));
    return n + len - i;
}

/* Capstone's text for guest instruction `in` in `mode`, read from its
 * canonical bytes. Returns 0, or -1 if Capstone did not read those bytes
 * as one instruction. */
static int reference_text(const struct insn *in, enum disasm_mode mode, char *out, size_t outsz)
{
    uint8_t plain[15], sse[15];
    char sse_text[TEXT_MAX], m_plain[MNEMONIC_MAX], m_sse[MNEMONIC_MAX];
    int i = 0;

    while (i < in->len - 1 && is_legacy_prefix(in->bytes[i]))
        i++;
    int n = canonical_bytes(in->bytes, in->len, false, plain);
    int len = disasm_text(mode, plain, (size_t)n, 0x1000, out, outsz);
    if (in->bytes[i] == 0x0f || in->bytes[i] == 0x90) {
        int ns = canonical_bytes(in->bytes, in->len, true, sse);
        int ls = disasm_text(mode, sse, (size_t)ns, 0x1000, sse_text, sizeof sse_text);
        mnemonic_of(out, m_plain, sizeof m_plain);
        mnemonic_of(sse_text, m_sse, sizeof m_sse);
        if (ls == ns && strcmp(m_plain, m_sse) != 0) {
            snprintf(out, outsz, "%s", sse_text);
            return 0;
        }
    }
    return len == n ? 0 : -1;
}

/* Appends s at *o, bounded by end. */
static void put(char **o, char *end, const char *s)
{
    while (*s && *o < end - 1)
        *(*o)++ = *s++;
    **o = 0;
}

/* The operands the host instruction should have: the guest's, with the
 * memory operand (segment override included) as [r11 + r10], ESP and SP as
 * r12d and r12w, and AH..BH as r9b when the rewrite asked for that. */
static void expected_operands(const char *guest_ops, const struct rewrite *rw, char *out,
                              size_t outsz)
{
    char *o = out, *end = out + outsz;
    const char *p = guest_ops;

    *o = 0;
    while (*p) {
        if (isalnum((unsigned char)*p)) {
            size_t n = 0;
            char w[32];
            while (isalnum((unsigned char)p[n]))
                n++;
            snprintf(w, sizeof w, "%.*s", (int)n, p);
            if (p[n] == ':' && p[n + 1] == '[' && rw->mem_to_r11_r10) {
                p += n + 1;
                continue;
            }
            if (strcmp(w, "esp") == 0)
                put(&o, end, "r12d");
            else if (strcmp(w, "sp") == 0)
                put(&o, end, "r12w");
            else if (rw->high8_to_r9b && (strcmp(w, "ah") == 0 || strcmp(w, "ch") == 0 ||
                                          strcmp(w, "dh") == 0 || strcmp(w, "bh") == 0))
                put(&o, end, "r9b");
            else
                put(&o, end, w);
            p += n;
        } else if (*p == '[' && rw->mem_to_r11_r10) {
            put(&o, end, "[r11 + r10]");
            p += strcspn(p, "]");
            if (*p)
                p++;
        } else {
            char c[2] = { *p++, 0 };
            put(&o, end, c);
        }
    }
}

/* Is host mnemonic h the guest's g, up to the spellings the encoder and
 * bt386's CPU bring: SAL (C0..D3 /6) is an alias of SHL (/4), which the
 * encoder picks; Capstone reads F3 0F BC/BD as TZCNT/LZCNT, which on
 * bt386's CPU (no BMI1, no LZCNT) are BSF/BSR with an ignored REP. */
static bool same_mnemonic(const char *g, const char *h)
{
    return strcmp(g, h) == 0 || (strcmp(g, "sal") == 0 && strcmp(h, "shl") == 0) ||
           (strcmp(g, "tzcnt") == 0 && strcmp(h, "bsf") == 0) ||
           (strcmp(g, "lzcnt") == 0 && strcmp(h, "bsr") == 0);
}

/* Capstone prints the x87 forms with an implicit ST(0) both ways: the
 * register-stack aliases (DC D0+i FCOM, DD C8+i FXCH, DF D0+i FSTP...) with
 * it spelt out, the usual encodings without ("fcom st(0), st(3)" is
 * "fcom st(3)", "fstp st(7), st(0)" is "fstp st(7)"). The encoder picks the
 * usual one; compare without it. */
static const char *x87_operands(const char *mnemonic, const char *ops, char *buf, size_t bufsz)
{
    size_t n = strlen(ops);

    if (mnemonic[0] != 'f')
        return ops;
    if (strncmp(ops, "st(0), ", 7) == 0)
        return ops + 7;
    if ((strcmp(mnemonic, "fstp") == 0 || strcmp(mnemonic, "fst") == 0) && n > 7 &&
        strcmp(ops + n - 7, ", st(0)") == 0) {
        snprintf(buf, bufsz, "%.*s", (int)(n - 7), ops);
        return buf;
    }
    return ops;
}

/* Do guest operands g (substitutions applied) and host operands h mean the
 * same for this mnemonic? */
static bool same_operands(const char *mnemonic, const char *g, const char *h)
{
    char bg[TEXT_MAX], bh[TEXT_MAX];

    /* x64_rewrite turns a hint NOP (0F 18..1F) into 90: neither accesses
     * its operands. */
    if (strcmp(mnemonic, "nop") == 0 && h[0] == 0)
        return true;
    g = x87_operands(mnemonic, g, bg, sizeof bg);
    h = x87_operands(mnemonic, h, bh, sizeof bh);
    if (strcmp(g, h) == 0)
        return true;
    /* XCHG is symmetric; the encoder may put either register in ModRM.rm. */
    const char *comma = strstr(g, ", ");
    if (strcmp(mnemonic, "xchg") == 0 && comma) {
        char swapped[TEXT_MAX];
        snprintf(swapped, sizeof swapped, "%s, %.*s", comma + 2, (int)(comma - g), g);
        return strcmp(swapped, h) == 0;
    }
    return false;
}

struct stats {
    unsigned zydis_only, capstone_only, neither, ud_length, compared, rewritten, copied;
    struct tally length, rewrite_fail, rewrite_bad, rewrite_mnemonic, rewrite_operands, ident;
};

static struct stats st = {
    .length = { .what = "lengths agree with Capstone" },
    .rewrite_fail = { .what = "x64_rewrite encodes every instruction that is not copied" },
    .rewrite_bad = { .what = "rewrites are 64-bit instructions of the length returned" },
    .rewrite_mnemonic = { .what = "rewrites keep the mnemonic" },
    .rewrite_operands = { .what = "rewrites keep the operands and LOCK, substitutions applied" },
    .ident = { .what = "copied (ident) instructions read the same in 64-bit mode" },
};

/* The substitutions the translator asks for (emit_generic, dbt/emit_insn.c). */
static struct rewrite translator_rewrite(const struct insn *in)
{
    return (struct rewrite){
        .mem_to_r11_r10 = in->has_mem,
        .high8_to_r9b = in->high8 >= 0 && (in->has_mem || in->uses_esp),
    };
}

static bool rewritten(const struct insn *in)
{
    return !in->ident && (in->kind == INSN_GENERIC || in->kind == INSN_DIV);
}

/* The rewrite of `in`, checked against the guest's reference text gtext
 * (NULL when Capstone cannot read the guest instruction: then only its
 * validity is checked). */
static void check_rewrite(const struct insn *in, const char *gtext)
{
    struct rewrite rw = translator_rewrite(in);
    uint8_t host[16];
    char htext[TEXT_MAX], gmn[MNEMONIC_MAX], hmn[MNEMONIC_MAX], want[TEXT_MAX], hex[48];
    const char *gops = mnemonic_of(gtext ? gtext : "(unread)", gmn, sizeof gmn);

    st.rewritten++;
    int n = x64_rewrite(in, &rw, host);
    if (n < 0) {
        tally_add(&st.rewrite_fail, gmn, in->bytes, in->len, "%s", gtext ? gtext : "");
        return;
    }
    int hn = disasm_text(DISASM_HOST64, host, (size_t)n, 0, htext, sizeof htext);
    if (hn != n) {
        hex_bytes(host, n, hex, sizeof hex);
        tally_add(&st.rewrite_bad, gmn, in->bytes, in->len, "%s -> %s(%d bytes), Capstone %d: %s",
                  gtext ? gtext : "", hex, n, hn, htext);
        return;
    }
    if (!gtext)
        return;
    const char *hops = mnemonic_of(htext, hmn, sizeof hmn);
    if (!same_mnemonic(gmn, hmn)) {
        tally_add(&st.rewrite_mnemonic, gmn, in->bytes, in->len, "%s -> %s", gtext, htext);
        return;
    }
    expected_operands(gops, &rw, want, sizeof want);
    if (!same_operands(gmn, want, hops) || has_lock(gtext) != has_lock(htext) ||
        (in->has_mem && hops[0] && !contains(htext, "[r11 + r10]")))
        tally_add(&st.rewrite_operands, gmn, in->bytes, in->len, "%s -> %s", gtext, htext);
}

static void check_ident(const struct insn *in, const char *gtext)
{
    char htext[TEXT_MAX], gmn[MNEMONIC_MAX];

    st.copied++;
    if (reference_text(in, DISASM_HOST64, htext, sizeof htext) < 0 || strcmp(gtext, htext) != 0) {
        mnemonic_of(gtext, gmn, sizeof gmn);
        tally_add(&st.ident, gmn, in->bytes, in->len, "%s -> 64-bit: %s", gtext, htext);
    }
}

/* Checks the instruction at code[0..avail); returns the length Zydis found,
 * or 0 when it rejected the bytes. */
static int check_one(const uint8_t *code, size_t avail)
{
    struct insn in;
    char gtext[TEXT_MAX], gmn[MNEMONIC_MAX];

    if (avail > 15)
        avail = 15;
    int zr = insn_decode(code, avail, 0x1000, &in);
    int cn = disasm_text(DISASM_GUEST32, code, avail, 0x1000, gtext, sizeof gtext);
    if (zr < 0) {
        if (cn > 0)
            st.capstone_only++;
        else
            st.neither++;
        return 0;
    }
    if (cn < 0) {
        st.zydis_only++;
        if (rewritten(&in))
            check_rewrite(&in, NULL);
        return in.len;
    }
    if (in.kind == INSN_UD) {
        st.ud_length += cn != in.len;
        return in.len;
    }
    st.compared++;
    if (cn != in.len) {
        mnemonic_of(gtext, gmn, sizeof gmn);
        tally_add(&st.length, gmn, code, in.len > cn ? in.len : cn,
                  "Zydis %d bytes (%s), Capstone %d: %s", in.len, insn_kind_names[in.kind], cn,
                  gtext);
        return in.len;
    }
    if (!rewritten(&in) && !in.ident)
        return in.len;
    if (reference_text(&in, DISASM_GUEST32, gtext, sizeof gtext) < 0) {
        mnemonic_of(gtext, gmn, sizeof gmn);
        tally_add(&st.length, gmn, code, in.len, "prefixes reordered: Capstone reads %s", gtext);
    } else if (in.ident) {
        check_ident(&in, gtext);
    } else {
        check_rewrite(&in, gtext);
    }
    return in.len;
}

/* One instruction from an opcode: up to three legacy prefixes (operand and
 * address size, REPNE/REP, segment overrides, rarely LOCK), the opcode
 * bytes, then random bytes for ModRM, SIB, displacement and immediate. */
static void make_insn(const uint8_t *opcode, int oplen, uint8_t *out)
{
    static const uint8_t prefixes[] = { 0x66, 0x66, 0x67, 0xf2, 0xf3, 0x26, 0x2e,
                                        0x36, 0x3e, 0x64, 0x65, 0xf0 };
    unsigned r = rng_below(8);
    int np = r < 3 ? 0 : r < 6 ? 1 : (int)r - 4;        /* 3/8 none, 3/8 one, 1/4 two or three */
    int i = 0;

    while (i < np)
        out[i++] = prefixes[rng_below(sizeof prefixes)];
    memcpy(out + i, opcode, (size_t)oplen);
    i += oplen;
    uint64_t r1 = rng_next(), r2 = rng_next();
    memcpy(out + i, &r1, 8);
    memcpy(out + i + 8, &r2, 8);
}

static unsigned run_structured(int per_opcode)
{
    static const uint8_t maps[4][2] = { { 0 }, { 0x0f }, { 0x0f, 0x38 }, { 0x0f, 0x3a } };
    static const int map_len[4] = { 0, 1, 2, 2 };
    uint8_t opcode[3], code[32];
    unsigned count = 0;

    for (int map = 0; map < 4; map++)
        for (int op = 0; op < 256; op++) {
            memcpy(opcode, maps[map], (size_t)map_len[map]);
            opcode[map_len[map]] = (uint8_t)op;
            for (int k = 0; k < per_opcode; k++, count++) {
                make_insn(opcode, map_len[map] + 1, code);
                check_one(code, sizeof code);
            }
        }
    return count;
}

/* Random bytes, decoded from every instruction boundary Zydis finds (one
 * byte on after a rejected encoding). */
static unsigned run_random_bytes(size_t size)
{
    uint8_t *buf = malloc(size);
    unsigned count = 0;

    for (size_t i = 0; i < size; i++)
        buf[i] = (uint8_t)rng_next();
    for (size_t i = 0; i < size; count++) {
        int n = check_one(buf + i, size - i);
        i += n > 0 ? (size_t)n : 1;
    }
    free(buf);
    return count;
}

/* Decodes one instruction given as bytes; 0 or -1 like insn_decode. */
static int decode_bytes(struct insn *in, int n, const uint8_t *bytes)
{
    return insn_decode(bytes, (size_t)n, 0x1000, in);
}

/* Host bytes of the rewrite of `in` with the translator's settings. */
static int rewrite_of(const struct insn *in, uint8_t *host)
{
    struct rewrite rw = translator_rewrite(in);
    return x64_rewrite(in, &rw, host);
}

/* The encodings that bt386's CPU (CPUID: base, x87, MMX, SSE, SSE2) reads
 * differently from a newer CPU, and the host may read differently again. */
static void check_cpu_specific(void)
{
    struct insn in;
    uint8_t host[16];
    char text[TEXT_MAX];

    /* REP BSF/BSR: BSF/BSR with the REP ignored without BMI1/LZCNT (SDM
     * vol. 2, TZCNT/LZCNT); TZCNT/LZCNT on a host that has them. */
    static const uint8_t rep_bsf[] = { 0xf3, 0x0f, 0xbc, 0x44, 0x24, 0x04 };
    CHECK(decode_bytes(&in, sizeof rep_bsf, rep_bsf) == 0 && in.kind == INSN_GENERIC &&
          !in.ident && in.has_mem && in.mem.read, "rep bsf eax, [esp+4] is BSF, not copied");
    int n = rewrite_of(&in, host);
    disasm_text(DISASM_HOST64, host, n > 0 ? (size_t)n : 0, 0, text, sizeof text);
    CHECK_STR(text, "bsf eax, dword ptr [r11 + r10]", "rep bsf re-encoded without REP");
    static const uint8_t rep_bsr[] = { 0xf3, 0x0f, 0xbd, 0xc1 };
    CHECK(decode_bytes(&in, sizeof rep_bsr, rep_bsr) == 0 && in.kind == INSN_GENERIC &&
          !in.ident, "rep bsr eax, ecx is BSR, not copied");
    n = rewrite_of(&in, host);
    CHECK(n == 3 && memcmp(host, "\x0f\xbd\xc1", 3) == 0, "rep bsr re-encoded as 0F BD C1");

    /* Hint NOPs (0F 18..1F): NOP r/m, no access, without MPX or CLDEMOTE. */
    static const uint8_t nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
    CHECK(decode_bytes(&in, sizeof nop5, nop5) == 0 && in.kind == INSN_GENERIC && in.has_mem &&
          !in.mem.read && !in.mem.write, "0F 1F 44 00 00 (5-byte NOP) accesses nothing");
    static const uint8_t bndldx[] = { 0x0f, 0x1a, 0x00 };
    CHECK(decode_bytes(&in, sizeof bndldx, bndldx) == 0 && in.kind == INSN_GENERIC &&
          !in.mem.read && !in.mem.write, "0F 1A 00 is a hint NOP (no MPX)");
    static const uint8_t cldemote[] = { 0x0f, 0x1c, 0x00 };
    CHECK(decode_bytes(&in, sizeof cldemote, cldemote) == 0 && in.kind == INSN_GENERIC &&
          !in.mem.read && !in.mem.write, "0F 1C 00 is a hint NOP (no CLDEMOTE)");
    static const uint8_t nop_esp[] = { 0x0f, 0x19, 0xe3 };
    CHECK(decode_bytes(&in, sizeof nop_esp, nop_esp) == 0 && in.kind == INSN_GENERIC,
          "0F 19 E3 (nop ebx, esp) decodes");
    n = rewrite_of(&in, host);
    CHECK(n == 1 && host[0] == 0x90, "its rewrite is 90, not 0F 0D (PREFETCH, #UD on a register)");
}

int main(void)
{
    struct timespec t0, t1;

    insn_decoder_init();
    check_cpu_specific();

    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned structured = run_structured(256);
    unsigned random = run_random_bytes(1u << 20);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(check_out(),
            "     %u structured + %u random-byte instructions in %.1f s: %u compared, "
            "%u rewritten, %u copied; decoded by Zydis only %u, by Capstone only %u, "
            "by neither %u; INSN_UD of another length %u\n",
            structured, random,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            st.compared, st.rewritten, st.copied, st.zydis_only, st.capstone_only, st.neither,
            st.ud_length);
    CHECK(structured + random >= 200000, "at least 200000 instructions");
    tally_check(&st.length);
    tally_check(&st.rewrite_fail);
    tally_check(&st.rewrite_bad);
    tally_check(&st.rewrite_mnemonic);
    tally_check(&st.rewrite_operands);
    tally_check(&st.ident);
    return check_summary();
}
