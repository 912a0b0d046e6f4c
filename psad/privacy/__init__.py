"""Data protection: retention and anonymisation, the right of access, the register of
processing activities. At the top of the layers: it walks every domain's tables."""
