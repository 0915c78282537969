"""Reference values of the non-central chi-squared log-density, for the fitted-law kernel
(crates/ibits-stats/src/fit/density.rs).

    f(x; nu, lam) = sum_{j>=0} Pois(j; lam/2) * chi2pdf(x; nu + 2j)       (Poisson mixture)

summed with mpmath 1.3 at 50 significant digits from the largest term outward until the terms
fall below 1e-45 of the sum, printed to 17 digits. (mpmath's besseli does not converge for the
largest arguments, so the mixture is used; where both run they agree to all 17 printed digits.)
Run: python3 fit_ncx2_logpdf.py > fit_ncx2_logpdf.csv
"""
import mpmath as mp

mp.mp.dps = 50


def log_term(j, x, nu, lam):
    a = nu / 2 + j
    log_pois = -lam / 2 + j * mp.log(lam / 2) - mp.loggamma(j + 1) if lam > 0 else mp.mpf(0)
    return log_pois + (a - 1) * mp.log(x / 2) - x / 2 - mp.loggamma(a) - mp.log(2)


def log_pdf(x, nu, lam):
    x, nu, lam = mp.mpf(x), mp.mpf(nu), mp.mpf(lam)
    if lam == 0:
        return log_term(0, x, nu, lam)
    # ratio term_{j+1}/term_j = lam x / (4 (j+1) (nu/2 + j)): the peak is where it crosses 1
    b = nu / 2
    j_peak = int(max(0, mp.floor((-(b + 1) + mp.sqrt((b - 1) ** 2 + lam * x)) / 2)))
    peak = log_term(j_peak, x, nu, lam)
    total = mp.mpf(1)
    for direction in (1, -1):
        j = j_peak + direction
        while j >= 0:
            rel = mp.exp(log_term(j, x, nu, lam) - peak)
            total += rel
            if rel < mp.mpf("1e-45"):
                break
            j += direction
    return peak + mp.log(total)


if __name__ == "__main__":
    print("dof,noncentrality,x,log_pdf")
    for nu in ["0.5", "1", "3", "5", "12", "30", "39", "41", "42", "43", "50", "200", "1000", "10000"]:
        for lam in ["0", "1e-8", "0.5", "3", "50", "500", "5000", "100000"]:
            mean = mp.mpf(nu) + mp.mpf(lam)
            for r in ["0.001", "0.1", "0.5", "1", "2", "5"]:
                x = mp.mpf(float(mp.mpf(r) * mean))  # the f64 value the Rust test will see
                print(f"{nu},{lam},{mp.nstr(x, 17)},{mp.nstr(log_pdf(x, nu, lam), 17)}")
    # the limit nu -> 0 that fits reach on the ridge (rho = lambda/(nu+lambda) -> 1)
    for nu in ["1e-7", "0.001"]:
        for lam in ["3", "226", "5000"]:
            for r in ["0.1", "1", "2"]:
                x = mp.mpf(float(mp.mpf(r) * (mp.mpf(nu) + mp.mpf(lam))))
                print(f"{nu},{lam},{mp.nstr(x, 17)},{mp.nstr(log_pdf(x, nu, lam), 17)}")
