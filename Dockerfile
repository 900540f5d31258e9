# syntax=docker/dockerfile:1

# ---- build ----
FROM golang:1.27.3 AS build
WORKDIR /src
# Dependencies first, so source edits do not invalidate the module cache layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The templ Go code, static/css/app.css and static/js/htmx.min.js are committed
# (CI checks they are current) and embedded in the binary, so the build needs
# neither templ generate nor Node, and the image needs no asset files.
# FerretDB's SQLite backend is pure Go (modernc.org/sqlite): no cgo needed.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/web ./cmd/web \
 && mkdir -p /out/data

# ---- run ----
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/web /web
# Owned by the nonroot user so the embedded database can write to the volume.
COPY --from=build --chown=65532:65532 /out/data /data
ENV HMS_ADDR=:8080 \
    HMS_DATA_DIR=/data
EXPOSE 8080
VOLUME /data
USER 65532:65532
ENTRYPOINT ["/web"]
CMD ["serve"]
