#!/usr/bin/env bash
# Data Proc initialization action: JupyterLab on the master host, attached to the cluster's Spark (the
# notebook's SparkSession runs its driver on the master and its executors on YARN), listening on 127.0.0.1
# only. Admins reach it through an SSH tunnel over the orchestrator VM (stack output jupyterLabTunnel); no
# security group opens its port (policy rule jupyter-port-private). infra/dataproc/README.md "JupyterLab".
#
# Data Proc runs every initialization action as root on every host at cluster creation (not after a
# restart), with ROLE=masternode|datanode|computenode; only the master installs. The systemd service keeps
# JupyterLab up across restarts.
#
#   jupyterlab.sh PORT         install into $JUPYTER_PREFIX, start the service, wait until it answers
#   jupyterlab.sh serve PORT   run JupyterLab in the foreground (what the service runs)
#
# Everything pip installs is pinned below (resolved for Python 3.8, the image 2.1 conda Python: JupyterLab
# 4.3.8 is the last release that installs there).
set -euo pipefail

prefix=${JUPYTER_PREFIX:-/opt/jupyterlab}
base_python=${JUPYTER_BASE_PYTHON:-/opt/conda/bin/python3}
spark_home=${SPARK_HOME:-/usr/lib/spark}
notebooks=${JUPYTER_NOTEBOOKS:-/home/ubuntu/notebooks}
service_user=${JUPYTER_USER:-ubuntu}
ready_timeout_s=${JUPYTER_READY_TIMEOUT_S:-180}

usage() {
  echo "usage: $0 PORT | $0 serve PORT" >&2
  exit 2
}

pins() {
  cat <<'PINS'
anyio==4.5.2
argon2-cffi==25.1.0
argon2-cffi-bindings==21.2.0
arrow==1.4.0
asttokens==3.0.2
async-lru==2.0.4
attrs==25.3.0
babel==2.18.0
backcall==0.2.0
backports.zoneinfo==0.2.1
beautifulsoup4==4.15.0
bleach==6.1.0
certifi==2026.10.19.post1
cffi==1.17.1
charset-normalizer==3.5.3
comm==0.2.3
debugpy==1.8.21
decorator==5.3.1
defusedxml==0.7.1
exceptiongroup==1.3.2
executing==2.3.0
fastjsonschema==2.21.2
fqdn==1.6.0
h11==0.16.0
httpcore==1.0.9
httpx==0.28.1
idna==3.15
importlib_metadata==8.5.0
importlib_resources==6.4.5
ipykernel==6.29.5
ipython==8.12.3
isoduration==20.11.0
jedi==0.19.2
Jinja2==3.1.6
json5==0.17.3
jsonpointer==3.0.0
jsonschema==4.23.0
jsonschema-specifications==2023.12.1
jupyter-events==0.10.0
jupyter-lsp==2.3.1
jupyter_client==8.6.3
jupyter_core==5.8.1
jupyter_server==2.14.2
jupyter_server_terminals==0.5.4
jupyterlab==4.3.8
jupyterlab_pygments==0.3.0
jupyterlab_server==2.28.0
MarkupSafe==2.1.5
matplotlib-inline==0.1.7
mistune==3.3.4
nbclient==0.10.1
nbconvert==7.16.6
nbformat==5.10.4
nest-asyncio==1.6.0
notebook_shim==0.2.4
overrides==7.7.0
packaging==26.2
pandocfilters==1.5.1
parso==0.8.7
pexpect==4.9.0
pickleshare==0.7.5
pkgutil_resolve_name==1.3.10
platformdirs==4.3.6
prometheus_client==0.21.1
prompt_toolkit==3.0.52
psutil==7.2.2
ptyprocess==0.7.0
pure_eval==0.2.4
pycparser==2.23
Pygments==2.19.2
python-dateutil==3.0.0
python-json-logger==4.0.0
pytz==2026.6
PyYAML==6.0.3
pyzmq==27.1.0
referencing==0.35.1
requests==2.32.4
rfc3339-validator==0.1.4
rfc3986-validator==0.1.1
rpds-py==0.20.1
Send2Trash==2.2.0
six==1.17.0
sniffio==1.3.1
soupsieve==2.7
stack-data==0.6.3
terminado==0.18.1
tinycss2==1.2.1
tomli==2.5.0
tornado==6.4.2
traitlets==5.14.3
typing_extensions==4.13.2
tzdata==2026.6
uri-template==1.3.0
urllib3==2.2.3
wcwidth==0.8.5
webcolors==24.8.0
webencodings==0.5.1
websocket-client==1.8.0
zipp==3.20.2
PINS
}

check_port() {
  if ! [[ ${1:-} =~ ^[0-9]+$ ]] || (($1 < 1024 || $1 > 65535)); then
    echo "port must be a number in 1024-65535 (got '${1:-}')" >&2
    exit 2
  fi
}

install_lab() {
  # --system-site-packages: the notebook sees the image's conda packages (pandas, numpy, mlflow-skinny);
  # the venv's own pinned copies win where both have one.
  "$base_python" -m venv --system-site-packages "$prefix"
  pins >"$prefix/requirements.txt"
  "$prefix/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$prefix/requirements.txt"
  # A copy for the service to run (`serve`): the downloaded action is a temporary file.
  install -m 0755 "${BASH_SOURCE[0]}" "$prefix/bin/jupyterlab.sh"
}

serve() {
  local port=$1 py4j
  export SPARK_HOME=$spark_home
  export HADOOP_CONF_DIR=${HADOOP_CONF_DIR:-/etc/hadoop/conf}
  # PySpark from the cluster's Spark (the version its YARN runs), as spark-submit would put it on the path.
  if [ -d "$spark_home/python/lib" ]; then
    py4j=$(find "$spark_home/python/lib" -maxdepth 1 -name 'py4j-*-src.zip' | head -n 1)
    export PYTHONPATH="$spark_home/python${py4j:+:$py4j}${PYTHONPATH:+:$PYTHONPATH}"
  fi
  mkdir -p "$notebooks"
  # 127.0.0.1 only, no port fallback: a second copy or a busy port fails instead of listening elsewhere.
  exec "$prefix/bin/jupyter" lab --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0 \
    --ServerApp.root_dir="$notebooks" --ServerApp.allow_remote_access=False
}

unit() {
  local port=$1
  cat <<UNIT
[Unit]
Description=JupyterLab on 127.0.0.1:$port (reach it through an SSH tunnel)
After=network-online.target

[Service]
User=$service_user
Environment=JUPYTER_PREFIX=$prefix SPARK_HOME=$spark_home JUPYTER_NOTEBOOKS=$notebooks
ExecStart=$prefix/bin/jupyterlab.sh serve $port
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
}

wait_ready() {
  local port=$1 deadline=$((SECONDS + ready_timeout_s))
  # /api answers without a token: it only says the server is up.
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/api"; do
    if ((SECONDS > deadline)); then
      echo "JupyterLab did not answer on 127.0.0.1:$port within ${ready_timeout_s} s: journalctl -u jupyterlab" >&2
      exit 1
    fi
    sleep 2
  done
}

main() {
  if [ "${1:-}" = serve ]; then
    check_port "${2:-}"
    serve "$2"
  fi
  [ $# -eq 1 ] || usage
  check_port "$1"
  if [ "${ROLE:-}" != masternode ]; then
    echo "ROLE=${ROLE:-unset}: JupyterLab runs on the master only; nothing to do here"
    exit 0
  fi
  install_lab
  install -d -o "$service_user" "$notebooks"
  unit "$1" >/etc/systemd/system/jupyterlab.service
  systemctl daemon-reload
  systemctl enable --now jupyterlab.service
  wait_ready "$1"
  echo "JupyterLab listens on 127.0.0.1:$1; its token: sudo -u $service_user $prefix/bin/jupyter server list"
}

# Sourced (the local test calls install_lab and unit directly), it only defines the functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
