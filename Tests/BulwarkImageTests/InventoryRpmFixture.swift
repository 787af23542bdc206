/// A real SQLite rpmdb written by rpm 4.18.0 (Debian's `rpm` package), gzip-compressed and base64-encoded:
///
///     rpm --define '_db_backend sqlite' --dbpath DB --initdb
///     rpmbuild -bb bulwark-hello.spec openssl-libs.spec   # empty packages, see below
///     rpm --define '_db_backend sqlite' --dbpath DB -i --justdb --nodeps --ignorearch RPMS/*/*.rpm
///     sqlite3 DB/rpmdb.sqlite 'PRAGMA wal_checkpoint(TRUNCATE)'   # still in WAL mode (header bytes 18, 19 = 2)
///
/// `rpm -qa --qf '%{NAME} %{EPOCH} %{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM} %{LICENSE}\n'` prints:
///
///     openssl-libs (none) 3.0.7-27.el9 x86_64 openssl-libs-3.0.7-27.el9.src.rpm Apache-2.0
///     bulwark-hello 2 1.0.3-4.el9 noarch bulwark-hello-1.0.3-4.el9.src.rpm MIT AND (Apache-2.0 OR BSD-3-Clause)
enum RpmDatabaseFixture {
    static let gzipBase64 = """
        H4sICJaYFmsCA3JwbWRiLnNxbGl0ZQDt3W9sG+d9wPE7khJJyTLtxPJZsRXTVVSKtujwr0h26RbZpj3FNuXKChB3S90j7yixpv5E
        lBynWAZIr4KiGDosRfNiMApsRV8FLbAGSIsW2JsOKIa82VIUGLoiATYsbbc07bCuQf/teHckn+dEud2bshK+H0TkPc899zx3v9/x
        gY53Vm5+5Fp904zW1jZW9M1oRjmi+HzKk9Gooih+6yendKWsn4BQVpXfzK+cr6oDrcaRn7fKE5GfH14Y+cJI6dDbh54cfm/4w0Nv
        Di2HXwtfC70VOhv8RvD64OcGzw58bSAYuB9I+1/yT/ve8I2rLyjf+o0jbSceDWpnzqg7k5t6pWHeXNZTy6ZumBvdpdMXF0qzi6Xo
        4uyFa6VorLsiFp26Y74QjS2WnlmMRcvzi9Hy09euTUeXV7dWonPlxdKV0oJQXTfu9ai9PL9QmrtSjl4t3YpOtbaMRxdKl0sLpfLF
        0s1o7IZevaMvmc2Ysy6+fWY8qI2NqTvjzv7Wl1aMnPP6qGc/7cr2Pl64Nn/hd7aPiVNiTOdWm5t6o7FZN7pL4/K+dlf0Y3+fPTmo
        PT6uvlhfNcx7l+obq/qK2bzdWnfb6r9dccrd5bnypdIz0diudrHofLlb7fQdnb15Mf7RRwa1hHU2yt1bRyn2fnKP3t1m3s5bMWr1
        vR0bC2rj4+rOGTvU7Qbt90fkMHe278OJ+4kTQS03oW6H7TAsbtSXlkx7bzoBFOrG5Gj0au1ERFgjRHxJC2oZa6yBXWO54RSqTuw9
        lBR7aaRO+JPHg9rEhLoTs8MvtBEWNTkJYkd9yMPqaFDLT6rbI3Zs5ivNtYa5aUqhFSuPy+Hp2d4JkLhKyMWdY1beJ9t5l7Z34yvW
        jT5gOCkd8midfGQeDmqTk+pO3M6H2EhcPiZnROqrHyl5SEzJxbXVWqNe3ZRCLFY+LMeoZ3snSOIqMSVHxZRI27sxFuseesBwUkrk
        0bopOSKmRGwkLh+VUyL11Y/ZKiLOVjc21u7WDfmkF+qOyBHq1dqJkLBGnK0Oi7OVuLUbXqEqsvdQUi6kkbqz1Yg4WwlthMXDciLE
        jvqRh0NiHhbM57bqG3JkhboROTi9WjvREdaIeRgW8yBu7YZWqDq091BSHqSRunkYEvMgtBEWh+U8iB31IQ/l8KAW09QVOzRXNta2
        1tvHaReG5HBIDZxA2FVCCB4NBTVNU3dO2iGw19ovYfmwnc36cMCVYFBLnVa3VfuIL+hNU/5tr1MTkg99d0vn+Dv1wgn3sUHr987T
        7u+d3Q3duHUqgnuNIAVYGKAT5LMDQe30aXVnwg5yp0VnYVAOdreLPgT8qcCgNjmq1u1glIUPUmt5QA5BedfnrCx/wE76g9roqLoz
        Zh94a2XrJyAfbrlPn6UbvkHt3Dn1lr1vzeca1oX07ab18TZXq96iX9pjz8qpVq6mrVJ8XbUvArYzzrzujtd+93lm9PbuOPvaOZ4b
        C3PXZxdu2Ucx+/Ti/FzZ2u56qbw4XWmsVaKtCzL7mK2L5jNjI9arb+C+MvRt6wUA8HviU1lfQHm5YS3FrWn6Fev9j6yfoKKo/2O9
        H7F+DOsn1P1C1v+O9T7YmtPd8vfd8hG3/AO3fNwt/9D9UveUW/5P6z1s/UTd8n+55YRbftdtn3XLP3L7K7jlH7vrn3DLP3XXP+mW
        f+b2Z7rlX7rrn3PLv3LLzzvlwDG3/OduWXOP9/Nu+YQ73pedL6wDY+76r7vlR5yyOuyWp5z+1DPu9s8426tTbvmW237aLVfc9h9y
        y4ZbnnXLplu+7JZrbvmqW2645etO+eG/cscz3PI/uOuX3fK/ueOvuuV/d9t/2S1/313/Faesqs56X8gtDzjnh++Qk3N1xOnf5+ZX
        PeqWS26833O3f8nd3+Nu+dNuecktf8YtL7vll1vli0plq/G8vnEnsWw2GmtK6nzyfEbJnjcbxdb56Ns0m5vRdefXFKVVsCrvHH/l
        L++uOCfs9bnF6Gz5UnRq1mq0bCbS55PR+YXohZuXEpnExYa+1TTjytOrzXWzWq/VTUNp1Fe37imra/pGdVkeO2GPnbDHPt/cqJ7f
        WF/x7J19AEPtH2t9o16Zuri2sr5hNpumcbnu/ILZjCvuulbNpbr1G9Zmt+6G/kJjTbcbN/9Yv2tdcJu1+r24krGGzyZS1sHPnE/a
        785rqnA+2TrUUPpDwh4qifl0NLGkVNfra8rSJ+vrStE9qoRhVur6asI5Ukdoa7OWKCh6LVM0U9VUUa9l8wXdrOX1ZKZiFgtmTS8a
        xYqup9OFWqVYK2bMTCGbNmaMfCWV1VPZmZyezRWdvtIZI5lNpyvZmqlbzfP5lFnIp/PZVKWSySfzxWQlUzWSuUzB1GuV7EwqncmY
        hXSyUshWcnk93TrfnUno17/+5XvuxGKdEk+/+ot7bxav/uroi9X7r7//xtRmMZXLZSqplJHPpPPJVC1XM2aSqVSmVtArZl5P5Qzd
        mMkaKUXX9WzBrOb1mUJGrxUrZtXMVLPVTNrMZGrWzqT1QrJopivVQj5brJnZrGEdXDWfymcrSTNfzDjn1Gettz9rfcZby5+aUq1p
        c9EqWh9r318L0+b7/89pM+KZNkc90+QpzzQZ90yTSc80mfVMkwXPNPmEZ5q84pkmb3qmyVueafLjnmlyxzmmzjT5t55p8svyNKn8
        2jNNjnqmyVNuf+1p8jG33J4m/9AzTZY80+RTnmly3jNNfsQzTS57psmGZ5rc8EyTX/FMk697pslDnmnyiGeajHqmyTnPNPlpzzT5
        Gc80+bJnmnzFmSbX1s3VZrNhfaorTXuqyCvpvD0R/KYpsjsz9pgI7xVmbs9kpd4Tdu8Jp/fORCiNLxamrC4SM9l4X6fG1o+424pU
        6DFVOse9n6bK1ue1PVXOFc599/XPf/V+9SeT37n76vzP3q8UUulCPlk0sqlUtpjPmbUZs5rRZ9KFZM2aMI1kesYaLm1NlTUjbxgz
        plEsVrOFfF6vpo1qPpkzMrWMmTJq2Ww+a+SsOTGZSSVNfaaSKuaSWaM4M2MmU0kj22OqHLHvzf9Esf4DAAAAAAAHxiHVP652Himw
        7/9H/kWJvGu9AAAAAACAfeYhXyCmhqRH4HxH1MBkOCQ+ADJkX/9/T4l8L/IeMQMAAAAAYD866o+p8jcAEf9kWLz+b93/d/9hAgAA
        AAAAOKCGuP4HAAAAAIDrfwAAAAAAsO85f//vX5XIj6wXAAAAAACw/xzxBSbUkPD/jfRF1MBEWKxx/v7f20rkx9YLAAAAAADYnyL+
        CVX8BuCwfyIslPn7fwAAAAAAHHz8+38AAAAAALj+BwAAAAAA+1/r+X9/5O+VyLuRN603AAAAAADwe+ghfyCmhipbjef1jTuJZbPR
        WPOd8AVy4fDaurnabDYSjXqlOXWvMJOYycaPqIHJcEhcM2Rf/39TiXwz8l7kO8QTAAAAAIDfW0f9MVX6CsB/wp9Te30B4Iv4J8O7
        r/9/rER+Eflf6w0AAAAAABwEA35V9fkD/rD16g+H+fv/AAAAAAAcfPz9PwAAAAAAuP4HAAAAAAD7H8//AwAAAABw8HH/HwAAAAAA
        rv8BAAAAAMD+x/P/AAAAAAAcfNz/BwAAAACA638AAAAAALD/8fw/AAAAAAAHH/f/AQAAAADg+h8AAAAAAOx/ref/fZEfKpGfWi8A
        AAAAAGC/C/sCx9TQZ185fscXUgPHwvaic/3/z0rkB9YLAAAAAADYL0Z9gWk19Oov7r1ZvPqroy9W77/+/htTm75jamA6HCqc++7r
        n//q/epPJr9z99X5n73vXP//jRL5J+sFAAAAAAD0S8IXeFYNFVO5XKaSShn5TDqfTNVyNWMmmUplagW9Yub1VM7QjZmskfJNq4Fn
        w6FKIZUu5JNFI5tKZYv5nFmbMasZfSZdSNasjYxkeiafzKdTQ/b1/xeVyBcjbxJqAAAAAAD6atr/rPpbfwNwzv9s+Le9/m/d/x/z
        v6RE/iLyxOH7hxdGvjBSOvT2oSeH3xv+8NCbQ8vh18LXQm+Fzga/Ebw++LnBswNfGwgG7gfS/pf80743fOPqC8q3FEP50z32O+S8
        BW+lzqjban3VMO/dXNZTy6ZumBu375gv3K4bQk304kJpdrEUnStfKj0Tje1uGovOl8X62JS1Ijp782J8O/FoUDtzRt2Z3NQrDbPb
        pLt02u19cfbCtZLUS9TuJrZYemYxFi3PL0bLT1+7Nh1dXt1asfZlsXSltCBUW/vRo/by/EJp7ko5erV0KzrV2jIeXShdLi2UyhdL
        N6OxG3r1jr5kNmPOuvj2mfGgNjam7ow7+1tfWjFyzuujnv20K9v7eOHa/IXf2T4mTokxnVttbuqNxmbd6C6Ny/vaXdGP/X325KD2
        +Lj6on2eXapvrOorZvN2a13r3GlXnJJPsl3tnHOsXe30bZ9iH31kUEtYZ7zcvXtmtssn9+hdOoG7nXdO39hYUBsfV3fO2KFuN2i/
        PyKHubN9H07cT5wIarkJdTtsh2Fxo760ZNp70wmgUDcmR6NXayciwhoh4ktaUMtYYw3sGssNp1B1Yu+hpNhLI3XCnzwe1CYm1J2Y
        HX6hjbCoyUkQO+pDHlZHg1p+Ut0esWMzX2muNcxNUwqtWHlcDk/P9k6AxFVCLu4cs/I+2c67tL0bX7Fu9AHDSemQR+vkI/NwUJuc
        VHfidj7ERuLyMTkjUl/9SMlDYkourq3WGvXqphRisfJhOUY92ztBEleJKTkqpkTa3o2xWPfQA4aTUiKP1k3JETElYiNx+aicEqmv
        fsxWEXG2urGxdrduyCe9UHdEjlCv1k6EhDXibHVYnK3Erd3wClWRvYeSciGN1J2tRsTZSmgjLB6WEyF21I88HBLzsGA+t1XfkCMr
        1I3IwenV2omOsEbMw7CYB3FrN7RC1aG9h5LyII3UzcOQmAehjbA4LOdB7KgPeSiHB7WYpq7Yobmysba13j5OuzAkh0Nq4ATCrhJC
        8GgoqGmaunPSDoG91n4Jy4ftbNaHA64Eg1rqdPvi44LeNOXf9jo1IfnQd7d0jr9TL5xwHxu0fu887f7e2d3QjVunIrjXCFKAhQE6
        QT47ENROn1Z3Juwgd1p0FgblYHe76EPAnwoMapOjat0ORln4ILWWB+QQlHd9zsryB+ykP6iNjqo7Y/aBt1a2fgLy4Zb79Fm64RvU
        zp1Tb9n71nyuUd80bzetj7e5WvUW/dIee1ZOtXI1bZXi66p9EbCdceZ1d7z2u88zo7d3x9nXzvHcWJi7Prtwyz6K2acX5+fK1nbX
        S+XF6UpjrRJtXZB1jjneuv7n7/8DAAAAAHCwjQz/ozKmfEkZXhs+MvTx8NfDh0JfDL4TXBv878HJgc8NDAau+7/rX/a95rumvqU+
        pnwp8tLhbx9uHFZG/q4vu9tMBLViXN0+6jxKsLW+3jBXzFXpJoZcm/Q8UtBzE/exAmmd8C1UcTqoxePqTsK5VS81k0uPe27dyz32
        43v3c+L37je3lqx18h0moe68N1a7W7cj1Vkjfu9+VvzeXdy6k5lOVWLvoTw5EUbqfu8eF793F9oIi9PeVHQ76kMeNqasEzfWPnEX
        zOrainVaGJ47IELtOe+NiV5btO9NCOuEfKzFglo+1r4dKffQuRMiVJ590JCeuyHSiJ28zHwwqMVi6s45936I0EoqxL33RMTu+vEw
        zuHJoHYlp24n3AcN9NVmrd4wN3s+3bB75ZT32YMHbN9+CmF3EyF128OPBbWStUPxvXeo8whEj55+i/3xPBTRa3c6eb06Yc0iOXWn
        6D4dsbtxr7oPep+X6DFGH5L9yQ8EtQ+fU7fH7NBe3iNNnvpJOaKXH5jcy3vm9fkzQe0PrLFHe47tpsRT/diDh5byeHnPFD4RDbZu
        Vuw8bqfQ085T/ICcuMv9z1n1dFDjEUIeIeQRwr0fIVQU9R0eITz4jxBeTQ+2nsP6E+m286a+mRKXcz1vOLfWTG1WGtPWoUy3SvFP
        pMRUlFaX9dWq/KSNUJeV49OrtRMgYY2YiqSYCnFrN7pCVWbvoaRUSCN1U/G4mAqhjbCYllMhdtSHj8Td89YvBvH2Lwaeq9TupZpY
        nXrgla33gk2+tO3kpPXv/7n/DwAAAADAwcb1PwAAAAAABx///h8AAAAAgIOP+/8AAAAAAHD9DwAAAAAA9j+e/wcAAAAA4ODj/j8A
        AAAAAFz/AwAAAACA/Y/n/wEAAAAAOPi4/w8AAAAAANf/AAAAAABg/+P5fwAAAAAADj7u/wMAAAAAwPU/AAAAAADY/3j+HwAAAACA
        g4/7/wAAAAAAcP0PAAAAAAD2v9bz/2rkPxTrPwAAAAAAsL9pamB08uGyvmK2fm7fMV+4XTfupaOp/wPFDUtFAFADAA==
        """
}
